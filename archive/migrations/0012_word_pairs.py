"""Adjacent word pairs of each article, so that a phrase is answered from an index.

``archive_word_pairs(vector)`` lists the pairs of lexemes at neighbouring positions of a
search vector ("counti jail") as a tsvector of its own, without positions. It is taken from
the same expression as ``search_vector``, so ``'counti' <-> 'jail'`` holds for an article
exactly when its pairs hold "counti jail" (archive/phrases.py). Two limits keep every
article's pairs under the 1 MB a tsvector may hold, whatever its text: a pair longer than 60
bytes is left out (such a phrase is matched by positions instead), and so are words at
PostgreSQL's last position, 16,383, where it piles every later word of a long text.

Adding the column computes it for every article already stored.
"""

import django.contrib.postgres.indexes
import django.contrib.postgres.search
from django.db import migrations, models

import archive.phrases

# Each position's lexeme, read once from the vector and paired with the next position's;
# array_to_tsvector drops the repeated pairs.
WORD_PAIRS_FUNCTION = """
    CREATE FUNCTION archive_word_pairs(vector tsvector) RETURNS tsvector
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
        WITH word AS (SELECT lexeme, unnest(positions) AS pos FROM unnest(vector))
        SELECT coalesce(array_to_tsvector(array_agg(pair)), ''::tsvector)
        FROM (
            SELECT a.lexeme || ' ' || b.lexeme AS pair
            FROM word a JOIN word b ON b.pos = a.pos + 1
            WHERE b.pos < 16383
        ) pairs
        WHERE octet_length(pair) <= 60
    $$
"""


class Migration(migrations.Migration):
    dependencies = [("archive", "0011_refresh_only_the_changed_ids")]

    operations = [
        migrations.RunSQL(WORD_PAIRS_FUNCTION, "DROP FUNCTION archive_word_pairs(tsvector)"),
        migrations.AddField(
            model_name="article",
            name="word_pairs",
            field=models.GeneratedField(
                db_persist=True,
                expression=archive.phrases.WordPairs(
                    django.contrib.postgres.search.CombinedSearchVector(
                        django.contrib.postgres.search.SearchVector(
                            "headline", config="english", weight="A"
                        ),
                        "||",
                        django.contrib.postgres.search.SearchVector(
                            "body", config="english", weight="B"
                        ),
                        django.contrib.postgres.search.SearchConfig("english"),
                    )
                ),
                output_field=django.contrib.postgres.search.SearchVectorField(),
            ),
        ),
        migrations.AddIndex(
            model_name="article",
            index=django.contrib.postgres.indexes.GinIndex(
                fields=["word_pairs"], name="article_word_pairs"
            ),
        ),
    ]
