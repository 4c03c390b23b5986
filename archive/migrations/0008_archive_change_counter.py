"""A counter that every write to the articles, their tag links or the tags moves on.

Whole-archive figures (articles per place, shaded on the map and listed on /jurisdictions/)
are cached under the counter's value (archive/caching.py): whatever writes — the admin, an
import, a bulk load, plain SQL — the next read computes them afresh. Statement-level triggers
cost one nextval per statement, however many rows it touches.
"""

from django.db import migrations

TABLES = [
    "archive_article",
    "archive_article_jurisdictions",
    "archive_article_officials",
    "archive_article_topics",
    "archive_jurisdiction",
    "archive_official",
    "archive_outlet",
    "archive_topic",
]

FORWARD = [
    "CREATE SEQUENCE archive_change_counter",
    """
    CREATE FUNCTION archive_count_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        PERFORM nextval('archive_change_counter');
        RETURN NULL;
    END $$
    """,
    *(
        f"CREATE TRIGGER {table}_counts_change AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE "
        f"ON {table} FOR EACH STATEMENT EXECUTE FUNCTION archive_count_change()"
        for table in TABLES
    ),
]
BACKWARD = [
    *(f"DROP TRIGGER {table}_counts_change ON {table}" for table in TABLES),
    "DROP FUNCTION archive_count_change()",
    "DROP SEQUENCE archive_change_counter",
]


class Migration(migrations.Migration):
    dependencies = [("archive", "0007_headline_vector")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
