"""Reads from replicas (config/routers.py): which database each read and write goes to.

The tests' "replica" alias is a test mirror of default (tests/conftest.py): the same test
database through a connection of its own. That connection sits outside the transaction each
test runs in, so it sees the seed archive (committed when the session started) but not what
a test writes: just as a real replica has not yet received the latest writes. Queries are
captured on each connection to see which one a request used.
"""

import csv
import io
import json
import os
import subprocess
import sys
from contextlib import ExitStack, contextmanager
from pathlib import Path

import pytest
from django.core.cache import caches
from django.core.signals import request_finished
from django.db import close_old_connections, connections, router, transaction
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext

from archive.models import Article, Topic
from config.routers import ReplicaReadsMiddleware
from tests.conftest import TEST_REPLICA
from tests.readers import own_statements

ROOT = Path(__file__).resolve().parent.parent
DATABASES = ["default", TEST_REPLICA]


@pytest.fixture
def replicas(settings):
    """The settings DATABASE_REPLICA_URLS makes, with the tests' mirror as the one replica."""
    settings.DATABASE_REPLICAS = [TEST_REPLICA]
    settings.DATABASE_ROUTERS = ["config.routers.PrimaryReplicaRouter"]
    settings.MIDDLEWARE = ["config.routers.ReplicaReadsMiddleware", *settings.MIDDLEWARE]
    yield
    # Its connection would otherwise stay open and keep the test database from being dropped.
    connections[TEST_REPLICA].close()


@contextmanager
def queries_on_each_database():
    with ExitStack() as stack:
        yield {
            alias: stack.enter_context(CaptureQueriesContext(connections[alias]))
            for alias in DATABASES
        }


def in_request(request, view):
    """Runs ``view`` inside ``request`` as the middleware would, then closes the response as
    a server does; returns what the view returned."""
    seen = {}

    def get_response(request):
        seen["result"] = view()
        return HttpResponse()

    response = ReplicaReadsMiddleware(get_response)(request)
    # As Django's test client does: closing would otherwise also close the test's connection.
    request_finished.disconnect(close_old_connections)
    try:
        response.close()  # sends request_finished
    finally:
        request_finished.connect(close_old_connections)
    return seen["result"]


# Settings, each in a fresh process as a server starts.


def settings_of(**env: str) -> dict:
    environment = {
        k: v for k, v in os.environ.items() if k not in {"DATABASE_REPLICA_URLS", "DATABASE_URL"}
    }
    # Parsing a URL connects to nothing; this one has no server behind it.
    environment.update(DATABASE_URL="postgres://archive@127.0.0.1:1/archive", DEBUG="1", **env)
    script = (
        "import django, json; from django.conf import settings; "
        "import os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'config.settings'); "
        "print(json.dumps({'databases': {a: {'HOST': d['HOST'], 'NAME': d['NAME'], "
        "'TEST': d.get('TEST', {}), 'CONN_MAX_AGE': d['CONN_MAX_AGE']} "
        "for a, d in settings.DATABASES.items()}, 'replicas': settings.DATABASE_REPLICAS, "
        "'routers': settings.DATABASE_ROUTERS, 'middleware': settings.MIDDLEWARE}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=environment, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_without_replica_urls_there_is_one_database_and_no_router():
    found = settings_of()
    assert list(found["databases"]) == ["default"]
    assert found["replicas"] == [] and found["routers"] == []
    assert not any("routers" in name for name in found["middleware"])


def test_each_replica_url_is_an_alias_mirrored_in_tests_with_the_router_installed():
    found = settings_of(
        DATABASE_REPLICA_URLS=(
            "postgres://reader@replica-a.internal:5432/archive, "
            "postgres://reader@replica-b.internal:5432/archive"
        )
    )
    assert list(found["databases"]) == ["default", "replica_1", "replica_2"]
    assert found["databases"]["replica_2"]["HOST"] == "replica-b.internal"
    assert found["databases"]["replica_1"]["TEST"] == {"MIRROR": "default"}
    assert found["databases"]["replica_1"]["CONN_MAX_AGE"] == 60
    assert found["replicas"] == ["replica_1", "replica_2"]
    assert found["routers"] == ["config.routers.PrimaryReplicaRouter"]
    assert found["middleware"][0] == "config.routers.ReplicaReadsMiddleware"


# The router's decisions, as Django's router asks them.


def test_outside_a_request_everything_uses_the_primary(replicas):
    assert router.db_for_read(Article) == "default"
    assert router.db_for_write(Article) == "default"


def test_a_readers_get_reads_from_the_replica_and_writes_to_the_primary(replicas):
    def view():
        return [
            router.db_for_read(Article),
            router.db_for_write(Topic),
            # Once it has written, the request reads what it wrote: from the primary.
            router.db_for_read(Article),
        ]

    assert in_request(RequestFactory().get("/articles/"), view) == [
        TEST_REPLICA,
        "default",
        "default",
    ]
    assert in_request(RequestFactory().head("/articles/"), lambda: router.db_for_read(Article)) == (
        TEST_REPLICA
    )


@pytest.mark.parametrize(
    "request_",
    [
        RequestFactory().post("/articles/"),
        RequestFactory().get("/admin/archive/article/"),
        RequestFactory().get("/admin/login/"),
        # An editor who logged in: they may just have saved what this page shows.
        RequestFactory(headers={"Cookie": "sessionid=abc"}).get("/articles/"),
    ],
    ids=["POST", "admin", "admin login", "session cookie"],
)
def test_writes_the_admin_and_editors_read_from_the_primary(replicas, request_):
    assert in_request(request_, lambda: router.db_for_read(Article)) == "default"


@pytest.mark.django_db
def test_reads_inside_a_transaction_on_the_primary_stay_there(replicas):
    def view():
        with transaction.atomic():
            inside = router.db_for_read(Article)
        return [inside, router.db_for_read(Article)]

    assert in_request(RequestFactory().get("/"), view) == ["default", TEST_REPLICA]


def test_the_choice_ends_with_the_request(replicas):
    in_request(RequestFactory().get("/"), lambda: None)
    assert router.db_for_read(Article) == "default"


def test_the_shared_cache_is_on_the_primary_and_a_readers_use_of_it_is_not_a_write(replicas):
    entry = caches["shared"].cache_model_class

    def view():
        return [
            router.db_for_read(entry),
            router.db_for_write(entry),
            router.db_for_read(Article),
        ]

    assert in_request(RequestFactory().get("/"), view) == ["default", "default", TEST_REPLICA]


def test_migrations_run_on_the_primary_only(replicas):
    assert router.allow_migrate_model("default", Article)
    assert not router.allow_migrate_model(TEST_REPLICA, Article)


def test_objects_from_the_primary_and_a_replica_may_be_related(replicas):
    topic, article = Topic(name="T", slug="t"), Article(headline="A")
    topic._state.db, article._state.db = "default", TEST_REPLICA
    assert router.allow_relation(topic, article)


# Real requests through the whole stack, with queries captured on each connection.

READER_PAGES = [
    "/",
    "/articles/",
    "/articles/?q=detainer",
    "/articles/?q=ice&state=MD",
    "/jurisdictions/",
    "/jurisdictions/maryland/",
    "/topics/ice-detainers/",
    "/api/articles/?q=detainer",
    "/feeds/articles/",
]


@pytest.mark.django_db(databases=DATABASES)
@pytest.mark.parametrize("url", READER_PAGES)
def test_reader_pages_read_from_the_replica_only(replicas, client, url):
    with queries_on_each_database() as queries:
        response = client.get(url)
    assert response.status_code == 200
    assert len(queries[TEST_REPLICA]) > 0
    # The primary holds only the figures cache every process shares.
    assert own_statements(queries["default"]) == []


@pytest.mark.django_db(databases=DATABASES)
def test_an_article_page_reads_from_the_replica_only(replicas, client):
    slug = Article.objects.order_by("pk").values_list("slug", flat=True).first()
    with queries_on_each_database() as queries:
        assert client.get(f"/articles/{slug}/").status_code == 200
    assert queries[TEST_REPLICA] and not queries["default"]


@pytest.mark.django_db(databases=DATABASES)
def test_the_streamed_csv_reads_from_the_replica_to_its_last_row(replicas, client):
    # Its rows come from a server-side cursor while the body streams, after the view returned.
    with queries_on_each_database() as queries:
        response = client.get("/articles.csv")
        body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert response.status_code == 200
    assert len(list(csv.reader(io.StringIO(body)))) == Article.objects.count() + 1
    assert queries[TEST_REPLICA] and not queries["default"]


@pytest.mark.django_db(databases=DATABASES)
def test_an_editor_reads_and_writes_the_primary_and_sees_what_they_saved(replicas, admin_client):
    with queries_on_each_database() as queries:
        assert admin_client.get("/admin/archive/article/").status_code == 200
        saved = admin_client.post(
            "/admin/archive/topic/add/", {"name": "Sanctuary", "slug": "sanctuary-policy"}
        )
        assert saved.status_code == 302
        # The public page, right after saving: from the primary, so it is there.
        assert admin_client.get("/topics/sanctuary-policy/").status_code == 200
    assert queries["default"] and not queries[TEST_REPLICA]

    # A reader asks the replica, which has not received the new topic yet.
    with queries_on_each_database() as queries:
        assert Client().get("/topics/sanctuary-policy/").status_code == 404
    assert queries[TEST_REPLICA] and not queries["default"]


@pytest.mark.django_db(databases=DATABASES)
def test_a_request_that_writes_reads_its_own_write_from_the_primary(replicas):
    # No public page writes; a view that does must still find what it wrote.
    def view():
        Topic.objects.create(name="Written", slug="written-in-request")
        return Topic.objects.filter(slug="written-in-request").exists()

    with queries_on_each_database() as queries:
        assert in_request(RequestFactory().get("/"), view) is True
    assert queries["default"] and not queries[TEST_REPLICA]
