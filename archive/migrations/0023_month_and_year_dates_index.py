"""The articles dated only by the month or the year, by their first day, in a partial index.

"Published on or after" a day keeps an article known only as "March 2024" when its month runs
into that day (``published_until``). With no index on the period's end, PostgreSQL read every
article dated before the range's end to find them. ``published_on_or_after`` now asks for
the articles dated from that day on (``article_newest``) or for those in this index that
began the same year, and checks the period's end of those alone.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("archive", "0022_untagged_articles_indexes")]

    operations = [
        migrations.AddIndex(
            model_name="article",
            index=models.Index(
                condition=models.Q(("date_precision__in", ["month", "year"])),
                fields=["published_on"],
                name="article_dated_by_month_or_year",
            ),
        ),
    ]
