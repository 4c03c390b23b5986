"""Loading many articles at once through PostgreSQL's COPY.

Saving articles one by one costs a round trip per row and per tag; a large delivery (or the
benchmark corpus) goes in batches instead: ids are reserved from the sequence up front, then
the articles and their tag links are streamed with COPY. Rows are trusted to be ready (body
cleaned, slug unique); the database still enforces every constraint.
"""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice

from django.db import connection, transaction
from django.utils import timezone

from archive.dates import PartialDate
from archive.models import Article, Jurisdiction, JurisdictionKind, raw_text_sha256

ARTICLE_COLUMNS = [
    "id",
    "headline",
    "slug",
    "raw_text",
    "body",
    "byline",
    "published_on",
    "date_precision",
    "date_uncertain",
    "headline_uncertain",
    "is_excerpt",
    "source_url",
    "outlet_id",
    "curator_note",
    "sha256",
    "created_at",
    "updated_at",
    "place_ids",
    "official_ids",
    "topic_ids",
]


@dataclass
class NewArticle:
    headline: str
    slug: str
    raw_text: str
    body: str
    published: PartialDate | None = None
    byline: str = ""
    source_url: str = ""
    outlet_id: int | None = None
    jurisdiction_ids: list[int] = field(default_factory=list)
    official_ids: list[int] = field(default_factory=list)
    topic_ids: list[int] = field(default_factory=list)


def _batches(rows: Iterable[NewArticle], size: int) -> Iterator[list[NewArticle]]:
    iterator = iter(rows)
    while batch := list(islice(iterator, size)):
        yield batch


def _reserve_ids(cursor, count: int) -> list[int]:
    table = Article._meta.db_table
    cursor.execute(
        "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
        [table, count],
    )
    return [row[0] for row in cursor.fetchall()]


def _copy(cursor, table: str, columns: list[str], records: Iterable[tuple]) -> None:
    names = ", ".join(columns)
    with cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
        for record in records:
            copy.write_row(record)


class PlaceAncestry:
    """Each place's id with those of the places above it and of its state: what the link
    triggers would copy into ``Article.place_ids`` (migration 0009), computed here so that
    loaded rows arrive complete and the triggers find nothing to rewrite."""

    def __init__(self):
        rows = list(Jurisdiction.objects.values_list("pk", "parent_id", "postal_code", "kind"))
        self.parent = {pk: parent for pk, parent, _, _ in rows}
        self.postal_code = {pk: code for pk, _, code, _ in rows}
        self.state = {code: pk for pk, _, code, kind in rows if kind == JurisdictionKind.STATE}

    def place_ids(self, tagged: Iterable[int]) -> list[int]:
        ids = set()
        for place in tagged:
            parent = self.parent.get(place)
            grandparent = self.parent.get(parent) if parent else None
            state = self.state.get(self.postal_code.get(place))
            ids.update(pk for pk in (place, parent, grandparent, state) if pk is not None)
        return sorted(ids)


def bulk_load_articles(rows: Iterable[NewArticle], batch_size: int = 2000) -> int:
    """Insert the articles and their tag links; one transaction per batch. Returns the count."""
    loaded = 0
    ancestry = PlaceAncestry()
    links = {
        "jurisdiction_ids": (Article.jurisdictions.through, "jurisdiction_id"),
        "official_ids": (Article.officials.through, "official_id"),
        "topic_ids": (Article.topics.through, "topic_id"),
    }
    for batch in _batches(rows, batch_size):
        now = timezone.now()
        with transaction.atomic(), connection.cursor() as django_cursor:
            cursor = django_cursor.cursor  # the psycopg cursor, for COPY
            ids = _reserve_ids(cursor, len(batch))
            _copy(
                cursor,
                Article._meta.db_table,
                ARTICLE_COLUMNS,
                (
                    (
                        pk,
                        a.headline,
                        a.slug,
                        a.raw_text,
                        a.body,
                        a.byline,
                        a.published.start if a.published else None,
                        a.published.precision.value if a.published else "",
                        False,
                        False,
                        False,
                        a.source_url,
                        a.outlet_id,
                        "",
                        raw_text_sha256(a.raw_text),
                        now,
                        now,
                        ancestry.place_ids(a.jurisdiction_ids),
                        sorted(set(a.official_ids)),
                        sorted(set(a.topic_ids)),
                    )
                    for pk, a in zip(ids, batch, strict=True)
                ),
            )
            for attribute, (through, target) in links.items():
                _copy(
                    cursor,
                    through._meta.db_table,
                    ["article_id", target],
                    (
                        (pk, tag_id)
                        for pk, a in zip(ids, batch, strict=True)
                        for tag_id in getattr(a, attribute)
                    ),
                )
        loaded += len(batch)
    return loaded
