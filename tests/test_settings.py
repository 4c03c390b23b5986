"""Production settings and the health check, each run in a fresh process as a server would."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from config.database import database_url

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION_ENV = {
    "DEBUG": "0",
    "SECRET_KEY": "a-long-random-production-secret-0123456789-abcdefghijklmnopqrstuvwxyz",
    "ALLOWED_HOSTS": "archive.example.org",
    # Nothing listens there: a database that does not answer.
    "DATABASE_URL": "postgres://archive@127.0.0.1:1/archive",
}


def run(args: list[str], **env: str) -> subprocess.CompletedProcess:
    # A server's environment: none of ours, nor the browser tests' async-safety switch.
    ignored = {*PRODUCTION_ENV, "DJANGO_ALLOW_ASYNC_UNSAFE"}
    environment = {k: v for k, v in os.environ.items() if k not in ignored}
    environment.update(env)
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=environment, capture_output=True, text=True
    )


def test_deploy_checks_are_clean_with_debug_off():
    # Model checks ask the database what it supports, so give them the real one.
    env = {**PRODUCTION_ENV, "DATABASE_URL": database_url()}
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], **env)
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout


def test_a_missing_secret_key_stops_a_production_start():
    env = {**PRODUCTION_ENV, "SECRET_KEY": ""}
    result = run(["manage.py", "check"], **env)
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


HEALTHZ = """
import django, os
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()
from django.test import Client
response = Client().get("/healthz", secure=True, HTTP_HOST="archive.example.org")
print(response.status_code, response.content.decode().strip())
"""


def test_healthz_is_503_when_the_database_does_not_answer():
    result = run(["-c", HEALTHZ], **PRODUCTION_ENV)
    assert result.stdout.strip() == "503 database unavailable", result.stderr


@pytest.mark.django_db
def test_responses_carry_security_headers(client):
    response = client.get("/")
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
def test_forms_that_change_data_need_a_csrf_token():
    from django.contrib.auth import get_user_model
    from django.test import Client

    get_user_model().objects.create_superuser("csrf", "", "a-long-test-password-987")
    client = Client(enforce_csrf_checks=True)
    client.login(username="csrf", password="a-long-test-password-987")
    response = client.post("/admin/archive/topic/add/", {"name": "X", "slug": "x"})
    assert response.status_code == 403


SHOW_PARALLEL_WORKERS = (
    "from django.db import connection\n"
    "with connection.cursor() as c:\n"
    "    c.execute('SHOW max_parallel_workers_per_gather')\n"
    "    print('workers', c.fetchone()[0])"
)


@pytest.mark.parametrize(("setting", "expected"), [(None, "0"), ("2", "2")])
def test_parallel_query_is_off_unless_asked_for(setting, expected):
    env = {**PRODUCTION_ENV, "DATABASE_URL": database_url()}
    if setting is not None:
        env["DATABASE_PARALLEL_WORKERS"] = setting
    result = run(["manage.py", "shell", "-c", SHOW_PARALLEL_WORKERS], **env)
    assert result.returncode == 0, result.stderr
    assert f"workers {expected}" in result.stdout


def test_a_parallel_workers_setting_that_is_no_number_is_named():
    env = {**PRODUCTION_ENV, "DATABASE_PARALLEL_WORKERS": "two"}
    result = run(["manage.py", "check"], **env)
    assert result.returncode != 0
    assert "DATABASE_PARALLEL_WORKERS must be a whole number or empty, not 'two'" in result.stderr


def test_the_server_entry_point_freezes_what_it_loaded():
    """A worker's Django, apps and views are left out of the collector's full collections."""
    show = (
        "import gc; before = gc.get_freeze_count(); import config.wsgi; "
        "print('frozen', gc.get_freeze_count() - before)"
    )
    result = run(["-c", show], **PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr
    frozen = int(result.stdout.split()[-1])
    assert frozen > 50_000, result.stdout


START_AND_SHOW_SETTINGS = (
    "import psycopg\n"
    "from config.database import EMBEDDED_SETTINGS, embedded_database_url, stop_embedded_server\n"
    "with psycopg.connect(embedded_database_url('postgres')) as conn:\n"
    "    for name in EMBEDDED_SETTINGS:\n"
    "        print(name, conn.execute(f'SHOW {name}').fetchone()[0])\n"
    "stop_embedded_server()"
)


@pytest.mark.skipif(bool(os.environ.get("DATABASE_URL")), reason="the embedded server's own")
def test_a_new_embedded_server_starts_with_its_memory_settings(tmp_path):
    """A new data directory is made, started, given the settings and restarted with them."""
    from config.database import EMBEDDED_SETTINGS

    data = tmp_path / "data"
    result = run(["-c", START_AND_SHOW_SETTINGS], ARCHIVE_DATA_DIR=str(data))
    assert result.returncode == 0, result.stderr
    for name, value in EMBEDDED_SETTINGS.items():
        assert f"{name} {value}" in result.stdout
    assert (data / "postgres" / "postgresql.auto.conf").read_text().count("shared_buffers") == 1
