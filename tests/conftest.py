"""Shared fixtures: a real PostgreSQL test database holding the seed archive.

The seed archive is loaded once per test session into the test database; each test runs in a
transaction that is rolled back, so every test starts from the same five articles.
"""

import copy
import os
from pathlib import Path

import pytest
from django.core.signals import setting_changed

from archive.alongside import close_connections
from archive.gazetteer import load_gazetteer
from archive.seed import load_seed_archive

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
_skipped_browser_tests: list[str] = []
TEST_REPLICA = "replica"


@pytest.fixture(scope="session", autouse=True)
def _test_server_settings(django_test_environment):
    """Production settings, less what needs a deployment: TLS and collected static files."""
    from django.conf import settings

    settings.SECURE_SSL_REDIRECT = False
    # Tests read and write the default database only, even when DATABASE_REPLICA_URLS is set
    # where they run: a replica alias is a test mirror of default (config/settings.py), and an
    # empty list makes the router and its middleware send everything to default.
    settings.DATABASE_REPLICAS = []
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast logins
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    # The production storage may be built already: tests/test_api_schema.py makes a WSGI handler
    # while tests are collected, and when staticfiles/ holds collectstatic's output (the
    # benchmarks leave it) WhiteNoise asks the storage for each file's URL, building the
    # manifest storage, whose hashed names no test server serves. Django's own receiver drops
    # whatever storage was built from the old setting.
    setting_changed.send(
        sender=type(settings), setting="STORAGES", value=settings.STORAGES, enter=True
    )


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """A second alias, "replica", on the same test database as default (a test mirror), for
    tests/test_replicas.py. Nothing reads from it unless a test installs the router."""
    from django.conf import settings

    replica = copy.deepcopy(settings.DATABASES["default"])
    replica["TEST"] = {**replica.get("TEST", {}), "MIRROR": "default"}
    settings.DATABASES[TEST_REPLICA] = replica


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        load_gazetteer()
        load_seed_archive()
    yield
    # Pages did some of their work on a second connection (archive/alongside.py); it must be
    # closed before the test database is dropped.
    close_connections()


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test's writes are rolled back, but the change counter they moved is not: a figure
    cached by one test must not be served to the next."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def artifacts_dir() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


def pytest_collection_modifyitems(config, items):
    if CHROMIUM.exists():
        return
    skip = pytest.mark.skip(reason=f"Debian's chromium is not installed at {CHROMIUM}")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)
            _skipped_browser_tests.append(item.nodeid)


def pytest_terminal_summary(terminalreporter):
    if _skipped_browser_tests:
        terminalreporter.write_line(
            f"BROWSER TESTS SKIPPED: {len(_skipped_browser_tests)} test(s) need Debian's chromium "
            f"at {CHROMIUM} (apt-get install chromium).",
            red=True,
            bold=True,
        )


@pytest.fixture
def seeded_live_server(live_server):
    """The live server with the seed archive (live-server tests commit, then flush, their data)."""
    load_gazetteer()
    load_seed_archive()
    return live_server


@pytest.fixture(scope="session")
def browser():
    """Debian's chromium driven by Playwright; no browser is downloaded."""
    # Playwright's sync API runs an event loop in this thread; the live server's database
    # work happens in its own thread, so Django's async-safety check does not apply here.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield browser
        browser.close()
