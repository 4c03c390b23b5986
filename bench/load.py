"""Load the benchmark corpus into a PostgreSQL database and, row for row, into SQLite.

Run by bench/run.py with Django set up against the benchmark database. The places are the
counties in the database (bench/run.py loads the gazetteer first); a database without enough
of them gets synthetic states and counties, so the loader also runs on a bare schema.
"""

import sqlite3
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

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


def corpus_articles(count: int, tags: Tags) -> Iterator[tuple[CorpusArticle, NewArticle]]:
    """The corpus's articles, each with the row the COPY path takes for it."""
    for item in generate(
        count,
        places=len(tags.places),
        outlets=len(tags.outlets),
        officials=len(tags.officials),
        topics=len(tags.topics),
    ):
        yield (
            item,
            NewArticle(
                headline=item.headline,
                slug=item.slug,
                raw_text=f"{item.headline}\n\n{item.body}",
                body=item.body,
                published=item.published,
                outlet_id=tags.outlets[item.outlet][0],
                jurisdiction_ids=[tags.places[i][0] for i in item.places],
                official_ids=[tags.officials[i] for i in item.officials],
                topic_ids=[tags.topics[i] for i in item.topics],
            ),
        )


PROGRESS_EVERY = 50_000  # articles between two progress lines of a load


def load(count: int, sqlite_path: Path | None) -> dict:
    """Generate ``count`` articles into both databases (PostgreSQL alone when ``sqlite_path``
    is None); returns load figures.

    The rows are generated (and written to SQLite) in this thread while the loader's
    connections copy earlier batches, so the rate is end to end; bench/load_speed.py measures
    the COPY path alone.
    """
    tags = ensure_tags()
    if sqlite_path is not None:
        sqlite_path.unlink(missing_ok=True)
    lite = sqlite3.connect(sqlite_path or ":memory:")
    lite.executescript(SQLITE_SCHEMA)
    sqlite_rows = []
    producing = 0.0  # seconds spent generating rows and writing SQLite, meanwhile loading goes on

    def rows():
        nonlocal producing
        started = time.perf_counter()
        for handed, (item, article) in enumerate(corpus_articles(count, tags)):
            if handed and handed % PROGRESS_EVERY == 0:
                # The loader takes rows a batch or two ahead of what it has written.
                elapsed = time.perf_counter() - loading_started
                print(
                    f"  {handed:,} of {count:,} articles handed to the loader in {elapsed:.0f} s "
                    f"({handed / elapsed:,.0f}/s)",
                    flush=True,
                )
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
            if sqlite_path is None:
                sqlite_rows.clear()
            elif len(sqlite_rows) >= 5000:
                flush_sqlite()
            producing += time.perf_counter() - started
            yield article
            started = time.perf_counter()
        if count >= LARGE_LOAD:
            print("  every article handed over; the search indexes are built next", flush=True)

    def flush_sqlite():
        lite.executemany("INSERT INTO articles VALUES (?, ?, ?, ?, ?, ?, ?, ?)", sqlite_rows)
        sqlite_rows.clear()

    started = loading_started = time.perf_counter()
    # The generator has no length to tell the loader this is a large load.
    loaded = bulk_load_articles(rows(), rebuild_indexes=count >= LARGE_LOAD)
    seconds = time.perf_counter() - started
    if sqlite_path is not None:
        flush_sqlite()
        lite.execute("INSERT INTO articles_fts(articles_fts) VALUES ('rebuild')")
        lite.commit()
        lite.execute("VACUUM")
    lite.close()
    return {
        "articles": loaded,
        "seconds": round(seconds, 1),
        "generating_seconds": round(producing, 1),
        "per_second": round(loaded / seconds),
    }
