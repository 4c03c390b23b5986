"""Each article's topic and official ids join its words, places and sample keys in one index.

A list of a topic's or an official's articles found them through the link table and a hash
join with the article table, which read and decoded every article's row to keep the tenth
that match: at 100,000 articles, 24 ms of a 47 ms list for the busiest topic went to
finding its 11,392 rows, before a single facet was counted. As array overlaps on the GIN index
that already holds the places (the topic_ids and official_ids that the link triggers copy onto
each row, migration 0009), the list is a bitmap of its own rows, and a search within a topic
or naming an official is one scan, as a search within a place has been since migration 0017.

The new index is built before the old one goes, so searches keep an index meanwhile; the old
one is dropped only if present (a bulk load killed before it rebuilt the words' index leaves
it missing, archive/bulk.py). The sample keys are migration 0018's, as that migration wrote
them down: a migration must not change when the model does.
"""

from importlib import import_module

import django.contrib.postgres.indexes
from django.db import migrations, models

SAMPLE_KEYS = import_module(
    "archive.migrations.0018_sample_keys_in_the_words_and_places_index"
).SAMPLE_KEYS
OLD_INDEX = "article_words_places_samples"


class Migration(migrations.Migration):
    dependencies = [("archive", "0023_month_and_year_dates_index")]

    operations = [
        migrations.AddIndex(
            model_name="article",
            index=django.contrib.postgres.indexes.GinIndex(
                models.F("search_vector"),
                models.F("place_ids"),
                SAMPLE_KEYS,
                models.F("topic_ids"),
                models.F("official_ids"),
                name="article_words_tags_samples",
            ),
        ),
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    f"DROP INDEX IF EXISTS {OLD_INDEX}",
                    "CREATE INDEX article_words_places_samples ON archive_article USING gin "
                    "(search_vector, place_ids, (ARRAY[(mod(id, 1000) / 100), "
                    "((mod(id, 1000) / 10) + 10), (mod(id, 1000) + 110)]))",
                )
            ],
            state_operations=[migrations.RemoveIndex(model_name="article", name=OLD_INDEX)],
        ),
    ]
