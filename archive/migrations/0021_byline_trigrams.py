"""Bylines indexed by their trigrams, for the editors' search.

The article list in the admin looks for its term in the headline and text through the search
index, and within bylines too (``ArticleQuerySet.matching_text_or_byline``). Without an index
of its own the byline condition made PostgreSQL read every row, and the words' condition with
it. ``pg_trgm`` ships with PostgreSQL and is a trusted extension: a database owner may create
it.
"""

import django.contrib.postgres.indexes
import django.db.models.functions.text
from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("archive", "0020_texts_stored_uncompressed")]

    operations = [
        TrigramExtension(),
        migrations.AddIndex(
            model_name="article",
            index=django.contrib.postgres.indexes.GinIndex(
                django.contrib.postgres.indexes.OpClass(
                    django.db.models.functions.text.Upper("byline"), name="gin_trgm_ops"
                ),
                name="article_byline_trigrams",
            ),
        ),
    ]
