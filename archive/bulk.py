"""Loading many articles at once through PostgreSQL's COPY.

Saving articles one by one costs a round trip per row and per tag; a large delivery (or the
benchmark corpus) goes in batches instead: ids are reserved from the sequence up front, then
the articles and their tag links are streamed with COPY. Rows are trusted to be ready (body
cleaned, slug unique); the database still enforces every constraint.

Where the time goes (bench/README.md): the server process computes each article's search
vector from its headline and body, which is CPU work in one process per connection. So the
batches go out over two connections at once, one server process per core. A large load also
drops the search index first and builds it once at the end, which costs less than keeping it
up to date row by row; the index is rebuilt whatever happens, and a later load puts it back if
the process died before it could.
"""

import queue
import threading
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
LINKS = {
    "jurisdiction_ids": (Article.jurisdictions.through, "jurisdiction_id"),
    "official_ids": (Article.officials.through, "official_id"),
    "topic_ids": (Article.topics.through, "topic_id"),
}
WORKERS = 2  # connections loading at once; the vectors are computed by their server processes
LARGE_LOAD = 10_000  # rows from which dropping and rebuilding the search index pays
REBUILT_INDEXES = ("article_words_tags_samples", "article_word_pairs")
SAY_ROWS_CARRY_TAG_IDS = "SELECT set_config('archive.rows_carry_tag_ids', %s, true)"


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


@dataclass
class Batch:
    number: int  # counted from 0
    start: int  # index of its first row in the input
    rows: list[NewArticle]
    ids: list[int] = field(default_factory=list)
    place_ids: list[list[int]] = field(default_factory=list)  # per row, see PlaceAncestry

    def describe(self) -> str:
        return (
            f"batch {self.number} (rows {self.start}–{self.start + len(self.rows) - 1}, "
            f"slugs {self.rows[0].slug} … {self.rows[-1].slug})"
        )


class BulkLoadError(Exception):
    """A batch failed and was rolled back; says which, why, and which rows are in the database.

    ``committed`` lists the ranges of input rows that were loaded (each batch is its own
    transaction, and with two connections a later batch can commit before an earlier one
    fails); no other row was loaded. The database's error is the ``__cause__``.
    """

    def __init__(self, failures: list[tuple[Batch, Exception]], committed: list[range]):
        self.failures = failures
        self.committed = committed
        self.loaded = sum(len(span) for span in committed)
        batch, error = failures[0]
        others = "".join(f"\n{b.describe()} failed too: {e}" for b, e in failures[1:])
        super().__init__(
            f"{batch.describe()} failed and was rolled back: {error}{others}\n{_loaded(committed)}"
        )


def _loaded(spans: list[range]) -> str:
    rows = ", ".join(f"{span.start}–{span.stop - 1}" for span in spans) or "none"
    count = sum(len(span) for span in spans)
    return f"Rows loaded: {rows} ({count:,} articles); no other row was loaded."


def bulk_load_articles(
    rows: Iterable[NewArticle],
    batch_size: int = 2000,
    *,
    workers: int | None = None,
    rebuild_indexes: bool | None = None,
) -> int:
    """Insert the articles and their tag links; one transaction per batch. Returns the count.

    ``workers`` connections load batches at once (default ``WORKERS``). ``rebuild_indexes``
    drops the search index (which holds the places too) for the load and builds it again after;
    by default it does so when ``rows`` has a length of at least ``LARGE_LOAD``. Meanwhile
    searches and lists of a place's articles scan the table, so keep it for loads into an
    archive nobody is reading. Inside the caller's transaction the load
    runs on the caller's connection with the indexes in place (other connections could not see
    the caller's uncommitted rows). A failed batch raises ``BulkLoadError``.
    """
    in_transaction = connection.in_atomic_block or not connection.get_autocommit()
    if in_transaction and ((workers or 1) > 1 or rebuild_indexes):
        raise ValueError(
            "Inside a transaction the load runs on its connection alone with the indexes kept: "
            "other connections cannot see the transaction's rows, and a dropped index would "
            "lock the table until the transaction ends."
        )
    if workers is None:
        workers = 1 if in_transaction else WORKERS
    if rebuild_indexes is None:
        rebuild_indexes = not in_transaction and _length(rows) >= LARGE_LOAD

    batches = _numbered_batches(rows, batch_size)
    if not rebuild_indexes:
        if not in_transaction:
            restore_indexes()
        return _load(batches, workers)
    _drop_indexes()
    try:
        return _load(batches, workers)
    finally:
        restore_indexes()


def _length(rows: Iterable) -> int:
    try:
        return len(rows)
    except TypeError:
        return 0


def restore_indexes() -> list[str]:
    """Build whichever of the indexes a bulk load drops is missing; returns their names.

    Runs after every large load, failed or not, and before every load outside a transaction,
    so an index lost with a killed process comes back with the next load.
    """
    missing = [index for index in _rebuilt_indexes() if not _index_exists(index.name)]
    for index in missing:
        try:
            with connection.schema_editor() as editor:
                editor.add_index(Article, index)
        except Exception as error:
            error.add_note(
                f"The index {index.name} on {Article._meta.db_table} is missing and could not be "
                "built; searches scan the whole table until archive.bulk.restore_indexes() "
                "succeeds (the next bulk load calls it)."
            )
            raise
    return [index.name for index in missing]


def _rebuilt_indexes() -> list:
    return [index for index in Article._meta.indexes if index.name in REBUILT_INDEXES]


def _index_exists(name: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [connection.ops.quote_name(name)])
        return cursor.fetchone()[0]


def _drop_indexes() -> None:
    with connection.schema_editor() as editor:
        for index in _rebuilt_indexes():
            if _index_exists(index.name):
                editor.remove_index(Article, index)


def _numbered_batches(rows: Iterable[NewArticle], size: int) -> Iterator[Batch]:
    iterator = iter(rows)
    number = start = 0
    while chunk := list(islice(iterator, size)):
        yield Batch(number, start, chunk)
        number, start = number + 1, start + len(chunk)


class _Progress:
    """What the batches did, written from every loading thread."""

    def __init__(self):
        self.committed: list[range] = []
        self.failures: list[tuple[Batch, Exception]] = []
        self.lock = threading.Lock()
        self.stop = threading.Event()

    def run(self, batch: Batch) -> None:
        try:
            with transaction.atomic():
                _copy_batch(batch)
        except Exception as error:
            with self.lock:
                self.failures.append((batch, error))
            self.stop.set()
        else:
            with self.lock:
                self.committed.append(range(batch.start, batch.start + len(batch.rows)))

    def result(self) -> int:
        spans = _merged(self.committed)
        if self.failures:
            failures = sorted(self.failures, key=lambda failure: failure[0].number)
            raise BulkLoadError(failures, spans) from failures[0][1]
        return sum(len(span) for span in spans)


class PlaceAncestry:
    """Each place's id with those of the places above it and of its state: what the link
    triggers would copy into ``Article.place_ids`` (migration 0009), computed here so that
    loaded rows arrive complete and the triggers can stand aside (migration 0025)."""

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


def _load(batches: Iterator[Batch], workers: int) -> int:
    """Run the batches on ``workers`` connections; the ids are reserved here, in input order."""
    ancestry = PlaceAncestry()
    progress = _Progress()
    jobs: queue.Queue[Batch | None] = queue.Queue(maxsize=workers)
    threads = [
        threading.Thread(target=_work, args=(jobs, progress), name=f"bulk-load-{n}")
        for n in range(workers if workers > 1 else 0)
    ]
    for thread in threads:
        thread.start()
    try:
        for batch in batches:
            if progress.stop.is_set():
                break
            batch.ids = _reserve_ids(len(batch.rows))
            batch.place_ids = [ancestry.place_ids(row.jurisdiction_ids) for row in batch.rows]
            if threads:
                jobs.put(batch)
            else:
                progress.run(batch)
    except BaseException as error:  # from the rows' iterator, or an interrupt
        _finish(jobs, threads)  # the batches already handed over are loaded
        failed = "".join(f"\n{b.describe()} failed: {e}" for b, e in progress.failures)
        error.add_note(f"The bulk load stopped.{failed}\n{_loaded(_merged(progress.committed))}")
        raise
    _finish(jobs, threads)
    return progress.result()


def _work(jobs: queue.Queue, progress: _Progress) -> None:
    try:
        while (batch := jobs.get()) is not None:
            if not progress.stop.is_set():
                progress.run(batch)
    finally:
        connection.close()  # this thread's own connection


def _finish(jobs: queue.Queue, threads: list[threading.Thread]) -> None:
    """Let the workers end once they have drained the queue (skipping batches after a stop)."""
    for _ in threads:
        jobs.put(None)
    for thread in threads:
        thread.join()


def _merged(spans: list[range]) -> list[range]:
    merged: list[range] = []
    for span in sorted(spans, key=lambda span: span.start):
        if merged and merged[-1].stop == span.start:
            merged[-1] = range(merged[-1].start, span.stop)
        else:
            merged.append(span)
    return merged


def _reserve_ids(count: int) -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [Article._meta.db_table, count],
        )
        return [row[0] for row in cursor.fetchall()]


def _copy(cursor, table: str, columns: list[str], records: Iterable[tuple]) -> None:
    names = ", ".join(columns)
    with cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
        for record in records:
            copy.write_row(record)


def _copy_batch(batch: Batch) -> None:
    now = timezone.now()
    with connection.cursor() as django_cursor:
        cursor = django_cursor.cursor  # the psycopg cursor, for COPY
        # The rows carry their tag ids (PlaceAncestry): the link triggers need not recompute
        # them (migration 0025). Said for these statements alone; a failure rolls it back.
        cursor.execute(SAY_ROWS_CARRY_TAG_IDS, ["on"])
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
                    place_ids,
                    sorted(set(a.official_ids)),
                    sorted(set(a.topic_ids)),
                )
                for pk, a, place_ids in zip(batch.ids, batch.rows, batch.place_ids, strict=True)
            ),
        )
        for attribute, (through, target) in LINKS.items():
            _copy(
                cursor,
                through._meta.db_table,
                ["article_id", target],
                (
                    (pk, tag_id)
                    for pk, a in zip(batch.ids, batch.rows, strict=True)
                    for tag_id in getattr(a, attribute)
                ),
            )
        # Rows said to carry their ids are tallied by the loader, in one statement as late as
        # it can be: other writers of the same tags wait from here to the commit.
        cursor.execute("SELECT archive_tally_loaded(%s)", [batch.ids])
        cursor.execute(SAY_ROWS_CARRY_TAG_IDS, ["off"])  # the caller's transaction goes on
