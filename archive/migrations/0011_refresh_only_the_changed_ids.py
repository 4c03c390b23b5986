"""A change to one kind of tag link refreshes only the ids that kind feeds.

The link triggers of migration 0009 recomputed all three arrays for every statement. A bulk
load inserts an article with its three arrays, then its place links, official links and topic
links in turn: after the place links the officials and topics were not in yet, so the refresh
emptied those arrays, and the next statements filled them again, rewriting each new row (and
its index entries) twice. Now the place links' trigger recomputes ``place_ids`` alone, and so
on, so that a row loaded with the right arrays is never rewritten.
"""

from django.db import migrations

ARRAYS = {
    "place_ids": """
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
        )""",
    "official_ids": """
        ARRAY(
            SELECT official_id FROM archive_article_officials
            WHERE article_id = article.id ORDER BY 1
        )""",
    "topic_ids": """
        ARRAY(
            SELECT topic_id FROM archive_article_topics
            WHERE article_id = article.id ORDER BY 1
        )""",
}
TABLE_ARRAY = {
    "archive_article_jurisdictions": "place_ids",
    "archive_article_officials": "official_ids",
    "archive_article_topics": "topic_ids",
}


def refresh_function(column: str) -> str:
    return f"""
    CREATE FUNCTION archive_refresh_{column}(articles bigint[]) RETURNS void
    LANGUAGE sql AS $$
        UPDATE archive_article a SET {column} = t.ids
        FROM (
            SELECT article.id, {ARRAYS[column]} AS ids
            FROM unnest(articles) AS article(id)
        ) t
        WHERE a.id = t.id AND a.{column} IS DISTINCT FROM t.ids
    $$
    """


def dispatch(changed: str) -> str:
    branches = "\n".join(
        f"""    {"IF" if n == 0 else "ELSIF"} TG_TABLE_NAME = '{table}' THEN
        PERFORM archive_refresh_{column}(ARRAY({changed}));"""
        for n, (table, column) in enumerate(TABLE_ARRAY.items())
    )
    return f"""
BEGIN
{branches}
    END IF;
    RETURN NULL;
END"""


FORWARD = [
    *(refresh_function(column) for column in ARRAYS),
    "CREATE OR REPLACE FUNCTION archive_links_changed() RETURNS trigger LANGUAGE plpgsql AS $$"
    + dispatch("SELECT DISTINCT article_id FROM changed")
    + " $$",
    "CREATE OR REPLACE FUNCTION archive_links_moved() RETURNS trigger LANGUAGE plpgsql AS $$"
    + dispatch("SELECT article_id FROM changed UNION SELECT article_id FROM changed_from")
    + " $$",
]

BACKWARD = [
    """
    CREATE OR REPLACE FUNCTION archive_links_changed() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        PERFORM archive_refresh_tag_ids(ARRAY(SELECT DISTINCT article_id FROM changed));
        RETURN NULL;
    END $$
    """,
    """
    CREATE OR REPLACE FUNCTION archive_links_moved() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        PERFORM archive_refresh_tag_ids(ARRAY(
            SELECT article_id FROM changed UNION SELECT article_id FROM changed_from
        ));
        RETURN NULL;
    END $$
    """,
    *(f"DROP FUNCTION archive_refresh_{column}(bigint[])" for column in ARRAYS),
]


class Migration(migrations.Migration):
    dependencies = [("archive", "0010_text_match_cost")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
