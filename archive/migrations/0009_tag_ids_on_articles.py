"""Each article's tag ids on its own row, kept in step with the tag links by triggers.

Why on the row: a search narrowed to a state, and the place facets beside any search, would
otherwise join every matching article with the link tables. With the ids on the row, the GIN
index on ``place_ids`` meets the full-text index in one bitmap, and facet counts unnest the
arrays of the rows already read.

Why triggers: links change through the admin, bulk actions, merges, reverts, imports, COPY
and plain SQL; a statement trigger on each link table sees them all. A direct UPDATE of an
article cannot set the arrays (``archive_keep_tag_ids``): only the refresh may.
"""

import django.contrib.postgres.fields
import django.contrib.postgres.indexes
from django.db import migrations, models

LINK_TABLES = [
    "archive_article_jurisdictions",
    "archive_article_officials",
    "archive_article_topics",
]

REFRESH = """
CREATE FUNCTION archive_refresh_tag_ids(articles bigint[]) RETURNS void LANGUAGE sql AS $$
    UPDATE archive_article a
    SET place_ids = t.place_ids, official_ids = t.official_ids, topic_ids = t.topic_ids
    FROM (
        SELECT
            article.id,
            ARRAY(
                SELECT DISTINCT up.place_id
                FROM archive_article_jurisdictions link
                JOIN archive_jurisdiction place ON place.id = link.jurisdiction_id
                LEFT JOIN archive_jurisdiction parent ON parent.id = place.parent_id
                LEFT JOIN archive_jurisdiction state
                    ON state.kind = 'state' AND state.postal_code = place.postal_code
                CROSS JOIN LATERAL (
                    VALUES (place.id), (place.parent_id), (parent.parent_id), (state.id)
                ) AS up(place_id)
                WHERE link.article_id = article.id AND up.place_id IS NOT NULL
                ORDER BY 1
            ) AS place_ids,
            ARRAY(
                SELECT official_id FROM archive_article_officials
                WHERE article_id = article.id ORDER BY 1
            ) AS official_ids,
            ARRAY(
                SELECT topic_id FROM archive_article_topics
                WHERE article_id = article.id ORDER BY 1
            ) AS topic_ids
        FROM unnest(articles) AS article(id)
    ) t
    WHERE a.id = t.id
        AND (a.place_ids, a.official_ids, a.topic_ids)
            IS DISTINCT FROM (t.place_ids, t.official_ids, t.topic_ids)
$$
"""

LINKS_CHANGED = """
CREATE FUNCTION archive_links_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM archive_refresh_tag_ids(ARRAY(SELECT DISTINCT article_id FROM changed));
    RETURN NULL;
END $$
"""

LINKS_MOVED = """
CREATE FUNCTION archive_links_moved() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM archive_refresh_tag_ids(ARRAY(
        SELECT article_id FROM changed UNION SELECT article_id FROM changed_from
    ));
    RETURN NULL;
END $$
"""

# A place moved to another parent or state changes the ancestors of its articles and of the
# articles about the places inside it.
PLACE_MOVED = """
CREATE FUNCTION archive_place_moved() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM archive_refresh_tag_ids(ARRAY(
        SELECT DISTINCT link.article_id
        FROM archive_article_jurisdictions link
        JOIN archive_jurisdiction place ON place.id = link.jurisdiction_id
        LEFT JOIN archive_jurisdiction parent ON parent.id = place.parent_id
        WHERE NEW.id IN (place.id, place.parent_id, parent.parent_id)
            OR (NEW.kind = 'state' AND place.postal_code IN (NEW.postal_code, OLD.postal_code))
    ));
    RETURN NULL;
END $$
"""

KEEP = """
CREATE FUNCTION archive_keep_tag_ids() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- At depth 1 the UPDATE came from outside any trigger: it may not set the copies.
    IF pg_trigger_depth() = 1 THEN
        NEW.place_ids := OLD.place_ids;
        NEW.official_ids := OLD.official_ids;
        NEW.topic_ids := OLD.topic_ids;
    END IF;
    RETURN NEW;
END $$
"""

FORWARD = [
    *(
        f"ALTER TABLE archive_article ALTER COLUMN {column} SET DEFAULT '{{}}'"
        for column in ("place_ids", "official_ids", "topic_ids")
    ),
    REFRESH,
    LINKS_CHANGED,
    LINKS_MOVED,
    PLACE_MOVED,
    KEEP,
    *(
        statement
        for table in LINK_TABLES
        for statement in (
            f"CREATE TRIGGER {table}_added AFTER INSERT ON {table} REFERENCING NEW TABLE AS "
            "changed FOR EACH STATEMENT EXECUTE FUNCTION archive_links_changed()",
            f"CREATE TRIGGER {table}_removed AFTER DELETE ON {table} REFERENCING OLD TABLE AS "
            "changed FOR EACH STATEMENT EXECUTE FUNCTION archive_links_changed()",
            f"CREATE TRIGGER {table}_moved AFTER UPDATE ON {table} REFERENCING OLD TABLE AS "
            "changed_from NEW TABLE AS changed FOR EACH STATEMENT "
            "EXECUTE FUNCTION archive_links_moved()",
        )
    ),
    "CREATE TRIGGER archive_jurisdiction_moved AFTER UPDATE OF parent_id, postal_code, kind "
    "ON archive_jurisdiction FOR EACH ROW WHEN (OLD.parent_id IS DISTINCT FROM NEW.parent_id "
    "OR OLD.postal_code <> NEW.postal_code OR OLD.kind <> NEW.kind) "
    "EXECUTE FUNCTION archive_place_moved()",
    # The articles already in the archive, before the guard exists.
    "SELECT archive_refresh_tag_ids(ARRAY(SELECT id FROM archive_article))",
    "CREATE TRIGGER archive_article_keeps_tag_ids BEFORE UPDATE ON archive_article "
    "FOR EACH ROW EXECUTE FUNCTION archive_keep_tag_ids()",
]

BACKWARD = [
    "DROP TRIGGER archive_article_keeps_tag_ids ON archive_article",
    "DROP TRIGGER archive_jurisdiction_moved ON archive_jurisdiction",
    *(
        f"DROP TRIGGER {table}_{event} ON {table}"
        for table in LINK_TABLES
        for event in ("added", "removed", "moved")
    ),
    "DROP FUNCTION archive_keep_tag_ids()",
    "DROP FUNCTION archive_place_moved()",
    "DROP FUNCTION archive_links_moved()",
    "DROP FUNCTION archive_links_changed()",
    "DROP FUNCTION archive_refresh_tag_ids(bigint[])",
]


def tag_ids_field():
    return django.contrib.postgres.fields.ArrayField(
        base_field=models.BigIntegerField(), default=list, editable=False
    )


class Migration(migrations.Migration):
    dependencies = [("archive", "0008_archive_change_counter")]

    operations = [
        migrations.AddField(model_name="article", name="place_ids", field=tag_ids_field()),
        migrations.AddField(model_name="article", name="official_ids", field=tag_ids_field()),
        migrations.AddField(model_name="article", name="topic_ids", field=tag_ids_field()),
        migrations.RunSQL(FORWARD, BACKWARD),
        migrations.AddIndex(
            model_name="article",
            index=django.contrib.postgres.indexes.GinIndex(
                fields=["place_ids"], name="article_place_ids"
            ),
        ),
    ]
