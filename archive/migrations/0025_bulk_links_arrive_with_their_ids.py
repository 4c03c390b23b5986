"""Links added by a bulk load do not make the link triggers recompute the rows' tag ids.

A bulk load (archive/bulk.py) writes each article with its ``place_ids``, ``official_ids``
and ``topic_ids`` already computed, then COPYs its links. The triggers that keep those arrays
(migrations 0009 and 0011) then recomputed them for every article of the batch, found them
equal and wrote nothing: 4.5 s of the server's 57 s of work for 30,000 articles, 270 ms a batch
for the places alone. The loader now says, for its own transaction only, that its rows carry
their ids (``SET LOCAL archive.rows_carry_tag_ids = on``), and the triggers on added links
stand aside while it does. Every other insert, and every update and delete of a link, still
refreshes the ids; tests/test_bulk.py checks that a load leaves the arrays the triggers would.
"""

from django.db import migrations

LINK_TABLES = (
    "archive_article_jurisdictions",
    "archive_article_officials",
    "archive_article_topics",
)
LOADED_WITH_IDS = "current_setting('archive.rows_carry_tag_ids', true) IS DISTINCT FROM 'on'"


def added_trigger(table: str, condition: str = "") -> str:
    return (
        f"CREATE TRIGGER {table}_added AFTER INSERT ON {table} REFERENCING NEW TABLE AS changed "
        f"FOR EACH STATEMENT {condition}EXECUTE FUNCTION archive_links_changed()"
    )


def replaced(condition: str) -> list[str]:
    return [
        statement
        for table in LINK_TABLES
        for statement in (f"DROP TRIGGER {table}_added ON {table}", added_trigger(table, condition))
    ]


class Migration(migrations.Migration):
    dependencies = [("archive", "0024_topics_and_officials_in_the_words_index")]

    operations = [migrations.RunSQL(replaced(f"WHEN ({LOADED_WITH_IDS}) "), replaced(""))]
