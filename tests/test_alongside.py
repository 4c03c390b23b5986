"""Work a page does on a second connection beside its count (archive/alongside.py): a
chosen facet's values, and the page's rows when their order does not wait on the count.

Another connection sees only committed rows, so these tests commit theirs
(``transaction=True``); inside a transaction the work runs on the caller's connection.
"""

import contextvars
import re
import threading
from urllib.parse import urlencode

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext

from archive import results as plans
from archive.alongside import alongside
from archive.filters import ArticleFilter
from archive.gazetteer import load_gazetteer
from archive.models import Article
from archive.results import ArticleResults
from archive.seed import load_seed_archive
from tests.readers import card_slugs, counting_statement, counting_statements

request_state = contextvars.ContextVar("request_state", default="unset")


def where_it_ran() -> tuple[int, str, str]:
    """The backend serving this thread's connection, the context it saw, and the thread."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = cursor.fetchone()[0]
    return backend, request_state.get(), threading.current_thread().name


@pytest.mark.django_db(transaction=True)
def test_work_runs_on_a_second_connection_in_the_callers_context():
    own_backend = where_it_ran()[0]
    request_state.set("this request's")
    backend, seen, thread = alongside("default", where_it_ran).result()
    assert backend != own_backend
    assert seen == "this request's", "the router reads the request's choices from its context"
    assert thread.startswith("archive-alongside")
    # The next page reuses that connection rather than opening one.
    assert alongside("default", where_it_ran).result()[0] == backend


@pytest.mark.django_db(transaction=True)
def test_an_error_in_the_work_is_raised_where_its_result_is_asked_for():
    def failing():
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 / 0")

    pending = alongside("default", failing)
    with pytest.raises(Exception, match="division by zero"):
        pending.result()
    assert alongside("default", where_it_ran).result()[2].startswith("archive-alongside")


@pytest.mark.django_db
def test_inside_a_transaction_the_work_waits_and_runs_on_the_callers_connection():
    own_backend = where_it_ran()[0]
    runs = []
    pending = alongside("default", lambda: runs.append(where_it_ran()) or len(runs))
    assert runs == [], "nothing runs until the result is asked for"
    assert pending.result() == 1 and pending.result() == 1, "and then once"
    assert runs[0][0] == own_backend


FACET = re.compile(r'<section class="facet" aria-labelledby="facet-(\w+)">(.*?)</section>', re.S)


def facet_sections(html: str) -> dict[str, str]:
    return dict(FACET.findall(html))


@pytest.mark.django_db(transaction=True)
def test_two_chosen_facets_are_counted_beside_the_list_and_shown_as_before(client):
    load_gazetteer()
    load_seed_archive()
    article = Article.objects.search("county").filter(outlet__isnull=False).first()
    state = article.jurisdictions.exclude(postal_code="").first().postal_code
    params = {"q": "county", "state": state, "outlet": article.outlet.slug}

    with CaptureQueriesContext(connection) as beside:
        html = client.get("/articles/", params).content.decode()
    # Each chosen facet is counted over the list without its own parameter: two statements
    # on the second connection, while this one counted the list.
    assert len(counting_statements(beside)) == 1, counting_statements(beside)

    cache.clear()
    with transaction.atomic(), CaptureQueriesContext(connection) as inline:
        same = client.get("/articles/", params).content.decode()
    assert len(counting_statements(inline)) == 3
    shown = facet_sections(html)
    assert shown == facet_sections(same)
    assert f'data-value="{state}"' in shown["state"]
    assert f'data-value="{article.outlet.slug}"' in shown["outlet"]

    # Both were handed over before the list's own count began, so they ran during it.
    cache.clear()
    filterset = ArticleFilter(QueryDict(urlencode(params)), queryset=Article.objects.for_listing())
    assert filterset.is_valid()
    results = ArticleResults(filterset, facets=True)
    handed_over = []

    def note_what_was_handed_over(execute, sql, params, many, context):
        if (counting_statement(sql) or "").startswith("WITH m "):
            handed_over.append(set(results._counted_apart))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(note_what_was_handed_over):
        results.count()
    assert handed_over == [{"state", "outlet"}]
    assert {v.slug for v in results.facet_counts()["state"]} >= {state}

    # A caller that shows no facet (the CSV export) hands nothing over.
    exporting = ArticleResults(filterset)
    assert exporting.count() == results.count() and exporting._counted_apart == {}


@pytest.mark.django_db(transaction=True)
def test_one_chosen_facet_over_a_long_list_is_counted_beside_the_list(client, monkeypatch):
    load_gazetteer()
    load_seed_archive()
    article = Article.objects.search("county").filter(jurisdictions__postal_code__gt="").first()
    state = article.jurisdictions.exclude(postal_code="").first().postal_code
    params = {"q": "county", "state": state}

    monkeypatch.setattr(plans, "APART_ABOVE", 0)  # every list without the state is "long"
    with CaptureQueriesContext(connection) as beside:
        html = client.get("/articles/", params).content.decode()
    # The list's own count here; the state's other values on the second connection.
    assert [s[:7] for s in counting_statements(beside)] == ["WITH m "]

    cache.clear()
    monkeypatch.setattr(plans, "APART_ABOVE", 2_000)
    with CaptureQueriesContext(connection) as in_one:
        same = client.get("/articles/", params).content.decode()
    assert [s[:10] for s in counting_statements(in_one)] == ["WITH wide "]
    assert facet_sections(html) == facet_sections(same)
    assert f'data-value="{state}"' in facet_sections(html)["state"]


def rows_statements(queries) -> list[str]:
    # The statement that reads a page's rows names each card's places.
    return [q["sql"] for q in queries.captured_queries if "places_on_card" in q["sql"]]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("path", ["/articles/", "/api/articles/"])
def test_a_page_whose_order_does_not_wait_on_the_count_is_read_beside_it(client, path):
    load_gazetteer()
    load_seed_archive()
    params = {"q": "county", "sort": "newest"}
    with CaptureQueriesContext(connection) as beside:
        response = client.get(path, params)
    assert rows_statements(beside) == [], "the rows were read on the second connection"

    cache.clear()
    with transaction.atomic(), CaptureQueriesContext(connection) as inline:
        same = client.get(path, params)
    assert len(rows_statements(inline)) == 1
    assert listed(path, response) == listed(path, same)
    assert len(listed(path, response)) >= 2


def listed(path: str, response) -> list:
    if path == "/api/articles/":
        return response.json()["results"]
    return card_slugs(response.content.decode())
