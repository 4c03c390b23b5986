"""The articles still without a place, an official or a topic, each kind in a partial index.

The editors' filter of missing tags (``MissingTagFilter`` in archive/admin.py) lists them
newest first. Without these indexes PostgreSQL walked the archive newest first, reading every
tagged article's row, to find the few untagged ones; the indexes hold those few rows only.
"""

from django.db import migrations, models


def without(tag: str) -> models.Index:
    return models.Index(
        models.OrderBy(models.F("published_on"), descending=True, nulls_last=True),
        models.OrderBy(models.F("id"), descending=True),
        condition=models.Q((f"{tag}_ids", [])),
        name=f"article_without_{tag}",
    )


class Migration(migrations.Migration):
    dependencies = [("archive", "0021_byline_trigrams")]

    operations = [
        migrations.AddIndex(model_name="article", index=without(tag))
        for tag in ("place", "official", "topic")
    ]
