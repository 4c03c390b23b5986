"""Each article's word pairs kept as 64-bit hashes of their text instead of as a vector of
their text.

The pairs' index was most of what loading an article cost (docs/PERFORMANCE.md, item 70): a
GIN index's build follows its keys, and 300 pairs an article of some 12 bytes of text each
built in 32 s at 100,000 articles where their hashes build in 24, 623 MB against 794; the
column itself is half as large (2.4 KB an article against 5.3). A phrase looks up the hash of
its pair (archive/phrases.py). The index is dropped and built again around the change, which
rewrites every article's row with the table locked: 68 s at 100,000 articles on two cores, so
ten minutes or more at 1,000,000 (docs/OPERATIONS.md).

``archive_word_pairs`` (migration 0012) stays: the migrations before this one and the way back
use it.
"""

import django.contrib.postgres.fields
import django.contrib.postgres.search
from django.db import migrations, models

import archive.phrases

# Each position's lexeme, read once from the vector and paired with the next position's;
# GIN removes a pair repeated in one article. PostgreSQL piles every word past position
# 16,383 at 16,383, so words there are no neighbours.
WORD_PAIR_HASHES_FUNCTION = """
    CREATE FUNCTION archive_word_pair_hashes(vector tsvector) RETURNS bigint[]
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
        WITH word AS (SELECT lexeme, unnest(positions) AS pos FROM unnest(vector))
        SELECT coalesce(array_agg(hashtextextended(a.lexeme || ' ' || b.lexeme, 0)), '{}')
        FROM word a JOIN word b ON b.pos = a.pos + 1
        WHERE b.pos < 16383
    $$
"""

# As in migration 0016, the pairs taken by ``{pairs}``.
TRIGGER_FUNCTION = """
    CREATE OR REPLACE FUNCTION archive_article_search_columns() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'UPDATE' AND NEW.headline IS NOT DISTINCT FROM OLD.headline
                AND NEW.body IS NOT DISTINCT FROM OLD.body THEN
            NEW.search_vector := OLD.search_vector;
            NEW.word_pairs := OLD.word_pairs;
        ELSE
            NEW.search_vector :=
                setweight(to_tsvector('english'::regconfig, COALESCE(NEW.headline, '')), 'A')
                || setweight(to_tsvector('english'::regconfig, COALESCE(NEW.body, '')), 'B');
            NEW.word_pairs := {pairs}(NEW.search_vector);
        END IF;
        RETURN NEW;
    END
    $$
"""


def pairs_as(column_type: str, pairs: str) -> list[str]:
    """The statements that keep the pairs as ``column_type``, computed by ``pairs``."""
    return [
        "DROP INDEX IF EXISTS article_word_pairs",
        f"ALTER TABLE archive_article ALTER COLUMN word_pairs TYPE {column_type} "
        f"USING {pairs}(search_vector)",
        "ALTER TABLE archive_article ALTER COLUMN word_pairs SET STORAGE EXTERNAL",
        TRIGGER_FUNCTION.format(pairs=pairs),
        "CREATE INDEX article_word_pairs ON archive_article USING gin (word_pairs)",
    ]


class Migration(migrations.Migration):
    dependencies = [("archive", "0028_shared_cache_stored_uncompressed")]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    [WORD_PAIR_HASHES_FUNCTION, *pairs_as("bigint[]", "archive_word_pair_hashes")],
                    [
                        *pairs_as("tsvector", "archive_word_pairs"),
                        "DROP FUNCTION archive_word_pair_hashes(tsvector)",
                    ],
                )
            ],
            state_operations=[
                migrations.AlterField(
                    model_name="article",
                    name="word_pairs",
                    field=models.GeneratedField(
                        db_persist=True,
                        expression=archive.phrases.WordPairHashes(
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
                        output_field=django.contrib.postgres.fields.ArrayField(
                            base_field=models.BigIntegerField()
                        ),
                    ),
                )
            ],
        )
    ]
