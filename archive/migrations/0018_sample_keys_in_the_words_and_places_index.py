"""Each article's sample keys join its words and places in one GIN index.

A sample of a search's matches (the articles in the first k of 1,000 id buckets) was the
full-text index ANDed with a btree over the buckets: the words' whole lists were decoded into a
bitmap before the buckets cut them down, so at 1,000,000 articles the two-word search's sample
cost as much as counting all its matches. With the bucket's keys (its tenth, its hundredth and
the bucket itself; archive/models.py, SAMPLE_KEYS) as a third column, the sample is one scan
that steps through the words' lists guided by the keys' short ones.

The new index is built before the old ones go, so searches keep an index meanwhile; the old
ones are dropped only if present (a bulk load killed before it rebuilt the words' index leaves
it missing, archive/bulk.py). The expression is written out here as it was when this index was
made: a migration must not change when the model does.
"""

import django.contrib.postgres.fields
import django.contrib.postgres.indexes
from django.db import migrations, models
from django.db.models.functions import Mod

BUCKET = Mod("id", 1000, output_field=models.BigIntegerField())
SAMPLE_KEYS = models.Func(
    BUCKET / 100,
    BUCKET / 10 + 10,
    BUCKET + 110,
    function="ARRAY",
    template="%(function)s[%(expressions)s]",
    output_field=django.contrib.postgres.fields.ArrayField(base_field=models.BigIntegerField()),
)
OLD_INDEXES = ("article_words_places", "article_sample_bucket")


class Migration(migrations.Migration):
    dependencies = [("archive", "0017_words_and_places_in_one_index")]

    operations = [
        migrations.AddIndex(
            model_name="article",
            index=django.contrib.postgres.indexes.GinIndex(
                models.F("search_vector"),
                models.F("place_ids"),
                SAMPLE_KEYS,
                name="article_words_places_samples",
            ),
        ),
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    f"DROP INDEX IF EXISTS {', '.join(OLD_INDEXES)}",
                    [
                        "CREATE INDEX article_words_places ON archive_article "
                        "USING gin (search_vector, place_ids)",
                        "CREATE INDEX article_sample_bucket ON archive_article ((MOD(id, 1000)))",
                    ],
                )
            ],
            state_operations=[
                migrations.RemoveIndex(model_name="article", name=name) for name in OLD_INDEXES
            ],
        ),
    ]
