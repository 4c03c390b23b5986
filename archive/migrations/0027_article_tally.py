"""How many articles each place, outlet, official and topic has, and the archive in all, kept
in a table as the articles are written (``ArticleTally``).

Row triggers on the articles add what a row brings and take away what it took: an insert adds
its tags and one to the archive, a delete takes them away, and an update whose tags changed
takes away its old ones and adds its new ones, in one grouped upsert in key order. An update
that leaves the tags alone (a corrected headline, a new search vector) does not fire. The
link tables' triggers (migrations 0009 and 0011) keep an article's tag ids by updating it, so
a link added, removed or moved, or a tag merged or deleted, reaches the tally as an update.
A TRUNCATE of the articles empties it.

Statement triggers with transition tables would make one upsert per statement, but
PostgreSQL keeps every row of such a statement whole, texts and vectors (some 20 KB an
article), in a temporary store: a bulk load's batch would spill tens of megabytes to disk,
and an update of every article tens of gigabytes. So the bulk loader, whose rows arrive
with their tag ids (``archive.rows_carry_tag_ids``, migration 0025), tallies each batch
itself with ``archive_tally_loaded(ids)``, one upsert as its transaction's last statement,
and the insert trigger stands aside for those rows.

Only the triggers and those functions write the tally. A write from anywhere else is
skipped: Django's ``dumpdata`` includes the table, and ``loaddata`` writing those rows beside
the articles they count (which the triggers count as they arrive) would count every article
twice. ``archive_tally_recount()`` counts it all again: here, for the articles already in the
archive, and for an operator who wrote the articles with the triggers off
(docs/OPERATIONS.md).
"""

from django.db import migrations, models

TALLY = "archive_article_tally"
LOADER_TALLIES = "current_setting('archive.rows_carry_tag_ids', true) IS DISTINCT FROM 'on'"
WRITING = "archive.writing_tally"  # said by the functions below while they write the tally
NOT_WRITING = f"current_setting('{WRITING}', true) IS DISTINCT FROM 'on'"


def tallied(rows: str) -> str:
    """Add ``rows`` to the tally: rows of (place_ids, official_ids, topic_ids, outlet_id,
    change), each counted ``change`` times for its tags and for the archive."""
    return f"""
        WITH changed (place_ids, official_ids, topic_ids, outlet_id, change) AS ({rows})
        INSERT INTO {TALLY} AS tally (kind, tag_id, articles)
        SELECT tag.kind, tag.id, sum(changed.change)
        FROM changed CROSS JOIN LATERAL (
            SELECT 'place', unnest(changed.place_ids)
            UNION ALL SELECT 'official', unnest(changed.official_ids)
            UNION ALL SELECT 'topic', unnest(changed.topic_ids)
            UNION ALL SELECT 'outlet', changed.outlet_id
            UNION ALL SELECT 'archive', 0::bigint
        ) AS tag (kind, id)
        WHERE tag.id IS NOT NULL
        GROUP BY tag.kind, tag.id HAVING sum(changed.change) <> 0
        ORDER BY tag.kind, tag.id
        ON CONFLICT (kind, tag_id) DO UPDATE SET articles = tally.articles + excluded.articles"""


def writing(statements: str) -> str:
    return f"""
        PERFORM set_config('{WRITING}', 'on', true);
        {statements};
        PERFORM set_config('{WRITING}', 'off', true);"""


TAG_COLUMNS = "place_ids, official_ids, topic_ids, outlet_id"
ROW_CHANGE = f"""
    SELECT NEW.place_ids, NEW.official_ids, NEW.topic_ids, NEW.outlet_id, 1
    WHERE TG_OP <> 'DELETE'
    UNION ALL
    SELECT OLD.place_ids, OLD.official_ids, OLD.topic_ids, OLD.outlet_id, -1
    WHERE TG_OP <> 'INSERT'"""
TAGS_CHANGED = " OR ".join(
    f"OLD.{column} IS DISTINCT FROM NEW.{column}" for column in TAG_COLUMNS.split(", ")
)
TRIGGERS = {
    "insert": ("INSERT", f"WHEN ({LOADER_TALLIES}) "),
    "update": ("UPDATE", f"WHEN ({TAGS_CHANGED}) "),
    "delete": ("DELETE", ""),
}

FORWARD = [
    f"""CREATE TABLE {TALLY} (
        kind varchar(8) NOT NULL,
        tag_id bigint NOT NULL,
        articles bigint NOT NULL,
        PRIMARY KEY (kind, tag_id)
    ) WITH (fillfactor = 50)""",
    f"""CREATE FUNCTION archive_article_tallied() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        {writing(tallied(ROW_CHANGE))}
        RETURN NULL;
    END $$""",
    *(
        f"CREATE TRIGGER archive_article_tallied_{name} AFTER {event} ON archive_article "
        f"FOR EACH ROW {condition}EXECUTE FUNCTION archive_article_tallied()"
        for name, (event, condition) in TRIGGERS.items()
    ),
    f"""CREATE FUNCTION archive_article_tallied_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        TRUNCATE {TALLY};
        RETURN NULL;
    END $$""",
    "CREATE TRIGGER archive_article_tallied_truncate AFTER TRUNCATE ON archive_article "
    "FOR EACH STATEMENT EXECUTE FUNCTION archive_article_tallied_truncate()",
    f"""CREATE FUNCTION archive_tally_loaded(articles bigint[]) RETURNS void
    LANGUAGE plpgsql AS $$
    BEGIN
        {writing(tallied(f"SELECT {TAG_COLUMNS}, 1 FROM archive_article WHERE id = ANY(articles)"))}
    END $$""",
    f"""CREATE FUNCTION archive_tally_recount() RETURNS void LANGUAGE plpgsql AS $$
    BEGIN
        -- Writers wait meanwhile, so that none is counted twice or missed.
        LOCK TABLE archive_article IN SHARE MODE;
        {writing(f"DELETE FROM {TALLY}; " + tallied(f"SELECT {TAG_COLUMNS}, 1 FROM archive_article"))}
    END $$""",
    """CREATE FUNCTION archive_article_tally_written_around() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        RETURN NULL;  -- the row is not written
    END $$""",
    f"CREATE TRIGGER {TALLY}_kept_by_triggers BEFORE INSERT OR UPDATE OR DELETE ON {TALLY} "
    f"FOR EACH ROW WHEN ({NOT_WRITING}) EXECUTE FUNCTION archive_article_tally_written_around()",
    "SELECT archive_tally_recount()",
]
BACKWARD = [
    f"DROP TRIGGER {TALLY}_kept_by_triggers ON {TALLY}",
    "DROP FUNCTION archive_article_tally_written_around()",
    "DROP FUNCTION archive_tally_recount()",
    "DROP FUNCTION archive_tally_loaded(bigint[])",
    "DROP TRIGGER archive_article_tallied_truncate ON archive_article",
    "DROP FUNCTION archive_article_tallied_truncate()",
    *(f"DROP TRIGGER archive_article_tallied_{name} ON archive_article" for name in TRIGGERS),
    "DROP FUNCTION archive_article_tallied()",
    f"DROP TABLE {TALLY}",
]


class Migration(migrations.Migration):
    dependencies = [("archive", "0026_shared_figures_cache")]

    operations = [
        migrations.CreateModel(
            name="ArticleTally",
            fields=[
                (
                    "pk",
                    models.CompositePrimaryKey(
                        "kind",
                        "tag_id",
                        blank=True,
                        editable=False,
                        primary_key=True,
                        serialize=False,
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("place", "Place"),
                            ("outlet", "Outlet"),
                            ("official", "Official"),
                            ("topic", "Topic"),
                            ("archive", "Archive"),
                        ],
                        max_length=8,
                    ),
                ),
                ("tag_id", models.BigIntegerField()),
                ("articles", models.BigIntegerField()),
            ],
            options={"db_table": TALLY, "managed": False},
        ),
        migrations.RunSQL(FORWARD, BACKWARD),
    ]
