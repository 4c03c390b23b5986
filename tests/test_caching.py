"""Figures kept until the archive changes, in this process's memory and in the cache every
process shares (archive/caching.py): one process draws them after a change, the others read
them. "Another process" is this one with its memory emptied, which is all another worker
lacks."""

import pytest
from django.conf import settings
from django.core.cache import cache, caches
from django.db import connection
from django.test.utils import CaptureQueriesContext

from archive.caching import FIGURES, Packed, cached, far_key
from tests.factories import make_article, place
from tests.readers import own_statements

pytestmark = pytest.mark.django_db

SHARED_TABLE = settings.CACHES["shared"]["LOCATION"]


def as_another_process() -> None:
    """Forget what this process keeps in memory, as a worker that drew nothing yet."""
    caches[FIGURES].near.clear()


def shared_keys(like: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT cache_key FROM {SHARED_TABLE} WHERE cache_key LIKE %s", [like])
        return [key for (key,) in cursor.fetchall()]


class Drawing:
    """A figure's computation that counts how often it ran."""

    def __init__(self, value):
        self.value, self.runs = value, 0

    def __call__(self):
        self.runs += 1
        return self.value


def test_a_figure_drawn_by_one_process_is_read_by_the_others():
    drawing = Drawing({"articles": 5})
    assert cached("sample-figure", drawing) == {"articles": 5}
    as_another_process()
    assert cached("sample-figure", drawing) == {"articles": 5}
    assert drawing.runs == 1
    assert len(shared_keys("%archive:sample-figure:%")) == 1


def test_after_a_change_every_process_draws_the_figure_afresh_once():
    drawing = Drawing("figure")
    cached("sample-figure", drawing)
    make_article("A change")
    cached("sample-figure", drawing)
    as_another_process()
    cached("sample-figure", drawing)
    assert drawing.runs == 2
    assert len(shared_keys("%archive:sample-figure:%")) == 2  # one per version of the archive


def test_a_figure_kept_in_memory_is_not_read_from_the_shared_cache():
    cached("sample-figure", Drawing("figure"))
    with CaptureQueriesContext(connection) as queries:
        cached("sample-figure", Drawing("never drawn"))
    assert [q["sql"] for q in queries if SHARED_TABLE in q["sql"]] == []


def test_drawing_a_figure_costs_the_shared_cache_a_few_statements_whatever_the_figure():
    """One to look for it; a savepoint, the count for culling, the key's row, the insert and
    the release to store it (tests/readers.py leaves them out of a page's own statements)."""
    for name, drawing in [("small-figure", Drawing(1)), ("large-figure", Drawing("x" * 10**6))]:
        with CaptureQueriesContext(connection) as queries:
            cached(name, drawing)
        statements = queries.captured_queries
        cache_statements = len(statements) - len(own_statements(statements))
        assert 1 < cache_statements <= 6


def test_the_shared_cache_keeps_a_figure_compressed():
    """The place list's county map is about 900 KB of HTML, written to the shared cache after
    every change: it is kept there packed, a fraction of its size, and read back the same."""
    html = "".join(
        f'<path d="M{n},{n % 97}l3,{n % 13}" class="q{n % 5}"></path>' for n in range(20000)
    )
    cached("large-figure", Drawing(html))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT sum(length(value)) FROM {SHARED_TABLE} WHERE cache_key LIKE %s",
            ["%archive:large-figure:%"],
        )
        stored = cursor.fetchone()[0]
    assert stored < len(html) / 4
    as_another_process()
    assert cached("large-figure", Drawing("never drawn")) == html


def test_the_shared_cache_does_not_compress_what_it_is_given_again():
    """Its values arrive compressed already (Packed): PostgreSQL stores them as they are,
    even one it could have compressed further, rather than running pglz over every write."""
    caches["shared"].set("repetitive", "the same words again " * 10_000)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT pg_column_compression(value), pg_column_size(value), octet_length(value) "
            f"FROM {SHARED_TABLE} WHERE cache_key LIKE %s",
            ["%repetitive"],
        )
        compression, stored, length = cursor.fetchone()
    assert compression is None
    assert stored >= length
    assert caches["shared"].get("repetitive") == "the same words again " * 10_000


def test_a_figure_another_process_stored_is_read_not_drawn():
    key = "archive:sample-figure:theirs"
    caches["shared"].set(far_key(key), Packed.of("theirs"))
    assert caches[FIGURES].get_or_set(key, Drawing("ours")) == "theirs"
    assert cache.get(key) == "theirs"


def test_a_figure_stored_unpacked_by_an_earlier_release_is_left_to_it():
    """A process of a release before values were packed stores them as they are, under the
    key itself: this one draws its own beside it rather than read a value of another form."""
    key = "archive:sample-figure:earlier"
    caches["shared"].set(key, "stored unpacked")
    assert caches[FIGURES].get_or_set(key, Drawing("ours")) == "ours"
    assert caches["shared"].get(key) == "stored unpacked"
    assert caches["shared"].get(far_key(key)) == Packed.of("ours")


def test_two_processes_drawing_at_once_both_show_the_one_stored_first():
    key = "archive:sample-figure:race"

    def drawn_while_another_process_stores_its_own():
        caches["shared"].set(far_key(key), Packed.of("theirs"))
        return "ours"

    assert caches[FIGURES].get_or_set(key, drawn_while_another_process_stores_its_own) == "theirs"
    assert cache.get(key) == caches["shared"].get(far_key(key)).unpacked() == "theirs"


def test_a_searchs_counts_stay_in_the_process_that_counted_them(client):
    assert client.get("/articles/", {"q": "detainer"}).status_code == 200
    assert shared_keys("%archive:counts%") == []
    assert any(key.startswith(":1:archive:counts") for key in cache._cache)


def test_the_place_list_is_drawn_once_for_every_process(client):
    def listing_the_states(queries) -> list[str]:
        return [q["sql"] for q in queries if "\"kind\" = 'state'" in q["sql"]]

    make_article("Howard story", jurisdictions=[place("howard-county-md")])
    with CaptureQueriesContext(connection) as drawing:
        first = client.get("/jurisdictions/").content
    assert listing_the_states(drawing.captured_queries)
    as_another_process()
    with CaptureQueriesContext(connection) as reading:
        again = client.get("/jurisdictions/").content
    assert listing_the_states(reading.captured_queries) == []
    assert again == first
    # The list and the map, drawn in the template, are shared too.
    assert shared_keys("%template.cache.places-list%") and shared_keys("%places-map%")


@pytest.mark.parametrize("url", ["/", "/jurisdictions/maryland/", "/officials/"])
def test_pages_of_kept_figures_read_the_same_from_the_shared_cache(client, url):
    make_article("Howard story", jurisdictions=[place("howard-county-md")])
    first = client.get(url).content
    as_another_process()
    with CaptureQueriesContext(connection) as reading:
        again = client.get(url).content
    assert again == first
    assert [q["sql"] for q in reading if SHARED_TABLE in q["sql"]]
