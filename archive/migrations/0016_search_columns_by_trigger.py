"""An article's search vector and word pairs, kept by one trigger instead of two generated
columns.

A generated column cannot read another, so ``word_pairs`` (migration 0012) parsed the
headline and body a second time to make the very vector ``search_vector`` already held:
0.56 ms an article, a third of what loading an article costs the server. A row trigger
computes the vector once and takes the pairs from it. It also keeps both columns as they were
when an update leaves the headline and body alone (a tag change, a note), and undoes a direct
write to either: only the trigger sets them.

Django still declares both as generated fields (archive/models.py): it never writes them, and
the declared expression is what the trigger computes. The columns keep their values and
indexes; dropping their expressions changes only the catalog.
"""

from django.db import migrations

SEARCH_VECTOR = """
    setweight(to_tsvector('english'::regconfig, COALESCE({row}headline, '')), 'A')
    || setweight(to_tsvector('english'::regconfig, COALESCE({row}body, '')), 'B')"""

FORWARD = [
    f"""
    CREATE FUNCTION archive_article_search_columns() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'UPDATE' AND NEW.headline IS NOT DISTINCT FROM OLD.headline
                AND NEW.body IS NOT DISTINCT FROM OLD.body THEN
            NEW.search_vector := OLD.search_vector;
            NEW.word_pairs := OLD.word_pairs;
        ELSE
            NEW.search_vector := {SEARCH_VECTOR.format(row="NEW.")};
            NEW.word_pairs := archive_word_pairs(NEW.search_vector);
        END IF;
        RETURN NEW;
    END
    $$
    """,
    "ALTER TABLE archive_article ALTER COLUMN search_vector DROP EXPRESSION",
    "ALTER TABLE archive_article ALTER COLUMN word_pairs DROP EXPRESSION",
    "CREATE TRIGGER archive_article_search_columns BEFORE INSERT OR UPDATE ON archive_article "
    "FOR EACH ROW EXECUTE FUNCTION archive_article_search_columns()",
]

# PostgreSQL 15 and 16 cannot give a column its expression back: the columns are made again,
# generated, with their indexes.
BACKWARD = [
    "DROP TRIGGER archive_article_search_columns ON archive_article",
    "DROP FUNCTION archive_article_search_columns()",
    "ALTER TABLE archive_article DROP COLUMN word_pairs, DROP COLUMN search_vector",
    "ALTER TABLE archive_article "
    f"ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ({SEARCH_VECTOR.format(row='')}) "
    "STORED, "
    f"ADD COLUMN word_pairs tsvector GENERATED ALWAYS AS "
    f"(archive_word_pairs({SEARCH_VECTOR.format(row='')})) STORED",
    "CREATE INDEX article_search_vector ON archive_article USING gin (search_vector)",
    "CREATE INDEX article_word_pairs ON archive_article USING gin (word_pairs)",
]


class Migration(migrations.Migration):
    dependencies = [("archive", "0015_jurisdiction_kind_index")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
