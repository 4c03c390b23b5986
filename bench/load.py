"""Load the benchmark corpus into a PostgreSQL database and, row for row, into SQLite.

Run by bench/run.py with Django set up against the benchmark database. The places are the
counties in the database (bench/run.py loads the gazetteer first); a database without enough
of them gets synthetic states and counties, so the loader also runs on a bare schema.
"""

import pickle
import sqlite3
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from django.db import transaction

from archive.bulk import LARGE_LOAD, NewArticle, bulk_load_articles
from archive.models import Jurisdiction, JurisdictionKind, Official, Outlet, Topic
from bench.corpus import CorpusArticle, generate

OUTLETS, OFFICIALS, TOPICS, MIN_PLACES = 40, 2000, 12, 500
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


@dataclass
class Tags:
    outlets: list[tuple[int, str]]
    places: list[tuple[int, str, str]]  # id, "Name, ST", state postal code
    officials: list[int]
    topics: list[int]


@transaction.atomic
def ensure_tags() -> Tags:
    """The tags the corpus points at, created when missing (names are stable across runs)."""
    if Outlet.objects.count() < OUTLETS:
        Outlet.objects.bulk_create(
            [Outlet(name=f"Bench Outlet {n}", slug=f"bench-outlet-{n}") for n in range(OUTLETS)],
            ignore_conflicts=True,
        )
    if Topic.objects.count() < TOPICS:
        Topic.objects.bulk_create(
            [Topic(name=f"Bench topic {n}", slug=f"bench-topic-{n}") for n in range(TOPICS)],
            ignore_conflicts=True,
        )
    if Jurisdiction.objects.filter(kind=JurisdictionKind.COUNTY).count() < MIN_PLACES:
        _synthetic_places()
    if Official.objects.count() < OFFICIALS:
        Official.objects.bulk_create(
            [
                Official(name=f"Bench Official {n}", slug=f"bench-official-{n}", role="Sheriff")
                for n in range(OFFICIALS)
            ],
            ignore_conflicts=True,
        )
    counties = Jurisdiction.objects.filter(kind=JurisdictionKind.COUNTY).order_by("fips", "slug")
    return Tags(
        outlets=list(Outlet.objects.order_by("slug").values_list("id", "name")[:OUTLETS]),
        places=[(c.pk, f"{c.name}, {c.postal_code}", c.postal_code) for c in counties],
        officials=list(Official.objects.order_by("slug").values_list("id", flat=True)),
        topics=list(Topic.objects.order_by("slug").values_list("id", flat=True)),
    )


def _synthetic_places() -> None:
    states = [
        Jurisdiction(
            name=f"Bench State {n}",
            slug=f"bench-state-{n}",
            kind=JurisdictionKind.STATE,
            postal_code="Q" + LETTERS[n % 26] if n < 26 else "Z" + LETTERS[n % 26],
        )
        for n in range(50)
    ]
    Jurisdiction.objects.bulk_create(states, ignore_conflicts=True)
    states = list(Jurisdiction.objects.filter(slug__startswith="bench-state-"))
    Jurisdiction.objects.bulk_create(
        [
            Jurisdiction(
                name=f"Bench County {n}",
                slug=f"bench-county-{n}",
                kind=JurisdictionKind.COUNTY,
                parent=states[n % len(states)],
                postal_code=states[n % len(states)].postal_code,
            )
            for n in range(3000)
        ],
        ignore_conflicts=True,
    )


SQLITE_SCHEMA = """
CREATE TABLE articles (
    id INTEGER PRIMARY KEY, slug TEXT, headline TEXT, body TEXT,
    outlet TEXT, county TEXT, state TEXT, published TEXT
);
CREATE VIRTUAL TABLE articles_fts
    USING fts5(headline, body, content="articles", content_rowid="id");
CREATE INDEX articles_state ON articles(state);
"""
SQLITE_INSERT = "INSERT INTO articles VALUES (?, ?, ?, ?, ?, ?, ?, ?)"


def corpus(count: int, tags: Tags) -> Iterator[CorpusArticle]:
    """The corpus's articles, tagged with indexes into ``tags``."""
    return generate(
        count,
        places=len(tags.places),
        outlets=len(tags.outlets),
        officials=len(tags.officials),
        topics=len(tags.topics),
    )


def new_article(item: CorpusArticle, tags: Tags) -> NewArticle:
    """The row the COPY path takes for a corpus article."""
    return NewArticle(
        headline=item.headline,
        slug=item.slug,
        raw_text=f"{item.headline}\n\n{item.body}",
        body=item.body,
        published=item.published,
        outlet_id=tags.outlets[item.outlet][0],
        jurisdiction_ids=[tags.places[i][0] for i in item.places],
        official_ids=[tags.officials[i] for i in item.officials],
        topic_ids=[tags.topics[i] for i in item.topics],
    )


PROGRESS_EVERY = 50_000  # articles between two progress lines of a load
SPOOL_CHUNK = 1_000  # corpus articles pickled together in the spool file


def load(count: int, sqlite_path: Path | None, spool_dir: Path | None = None) -> dict:
    """Generate ``count`` articles, then load them into PostgreSQL (and into SQLite, when
    ``sqlite_path`` is given); returns load figures.

    The corpus is generated first, written to SQLite and to a spool file in ``spool_dir`` (the
    system's temporary directory by default; about 5 KB an article, deleted afterwards), and
    only then handed to the archive's loader, read back from the spool. So the load rate is the
    loader's own, with reading the spool in it. The generating (35 s for 100,000 articles with
    the SQLite copy, beside the loader's 90) would otherwise share the two cores with it.
    """
    tags = ensure_tags()
    with tempfile.TemporaryFile(dir=spool_dir, prefix="corpus-", suffix=".pickle") as spool:
        started = time.perf_counter()
        _generate(count, tags, sqlite_path, spool)
        generating = time.perf_counter() - started
        spool.seek(0)
        started = time.perf_counter()
        # The spool has no length to tell the loader this is a large load.
        loaded = bulk_load_articles(
            _handed_over(_spooled(spool, tags), count), rebuild_indexes=count >= LARGE_LOAD
        )
        seconds = time.perf_counter() - started
    return {
        "articles": loaded,
        "seconds": round(seconds, 1),
        "per_second": round(loaded / seconds),
        "generating_seconds": round(generating, 1),
        "end_to_end_per_second": round(loaded / (seconds + generating)),
    }


def _generate(count: int, tags: Tags, sqlite_path: Path | None, spool: BinaryIO) -> None:
    """The corpus into the spool, and row for row into SQLite with its full-text index."""
    if sqlite_path is not None:
        sqlite_path.unlink(missing_ok=True)
        lite = sqlite3.connect(sqlite_path)
        lite.executescript(SQLITE_SCHEMA)
    started, chunk, sqlite_rows = time.perf_counter(), [], []
    for made, item in enumerate(corpus(count, tags), start=1):
        chunk.append(item)
        if len(chunk) == SPOOL_CHUNK:
            pickle.dump(chunk, spool, protocol=pickle.HIGHEST_PROTOCOL)
            chunk = []
        if sqlite_path is not None:
            first_place = tags.places[item.places[0]]
            sqlite_rows.append(
                (
                    item.number,
                    item.slug,
                    item.headline,
                    item.body,
                    tags.outlets[item.outlet][1],
                    first_place[1],
                    first_place[2],
                    item.published.iso(),
                )
            )
            if len(sqlite_rows) >= 5000:
                lite.executemany(SQLITE_INSERT, sqlite_rows)
                sqlite_rows.clear()
        if made % PROGRESS_EVERY == 0 and made < count:
            elapsed = time.perf_counter() - started
            print(f"  {made:,} of {count:,} articles generated in {elapsed:.0f} s", flush=True)
    if chunk:
        pickle.dump(chunk, spool, protocol=pickle.HIGHEST_PROTOCOL)
    if sqlite_path is not None:
        lite.executemany(SQLITE_INSERT, sqlite_rows)
        lite.execute("INSERT INTO articles_fts(articles_fts) VALUES ('rebuild')")
        lite.commit()
        lite.execute("VACUUM")
        lite.close()
    spool.flush()


def _spooled(spool: BinaryIO, tags: Tags) -> Iterator[NewArticle]:
    while True:
        try:
            chunk = pickle.load(spool)
        except EOFError:
            return
        for item in chunk:
            yield new_article(item, tags)


def _handed_over(rows: Iterator[NewArticle], count: int) -> Iterator[NewArticle]:
    """``rows``, with a line of progress every PROGRESS_EVERY."""
    started = time.perf_counter()
    for handed, row in enumerate(rows):
        if handed and handed % PROGRESS_EVERY == 0:
            # The loader takes rows a batch or two ahead of what it has written.
            elapsed = time.perf_counter() - started
            print(
                f"  {handed:,} of {count:,} articles handed to the loader in {elapsed:.0f} s "
                f"({handed / elapsed:,.0f}/s)",
                flush=True,
            )
        yield row
    if count >= LARGE_LOAD:
        print("  every article handed over; the search indexes are built next", flush=True)
