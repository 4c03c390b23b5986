"""The COPY path alone: how many articles a second it loads, tag links and index included.

    .venv/bin/python bench/load_speed.py --articles 20000
    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_load_speed \\
        .venv/bin/python bench/load_speed.py --articles 100000

Each run starts from a fresh database: ``bench_load_speed`` on the embedded server, or the one
BENCH_DATABASE_URL names (dropped and made again, so never point it at data you keep). It is
migrated and given the gazetteer, as bench/run.py does; then the corpus is generated into
memory (timed apart; about 1.1 GB for 100,000 articles) and ``bulk_load_articles`` is timed
from its first statement to its return, so index rebuilds and commits count as loading.
"""

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_NAME = "bench_load_speed"


def fresh_database() -> str:
    """Drop and make the measurement database; its URL."""
    url = os.environ.get("BENCH_DATABASE_URL")
    if not url:
        from config.database import embedded_database_url

        url = urlsplit(embedded_database_url("postgres"))._replace(path=f"/{DEFAULT_NAME}").geturl()
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if name in ("", "postgres", "archive", "archive_bench"):
        raise SystemExit(f"{name or 'no database'}: name a database of its own for this")
    with psycopg.connect(parts._replace(path="/postgres").geturl(), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return url


def time_phases(module, names: list[str]) -> dict[str, float]:
    """Seconds spent in each of the module's functions ``names``, added up as they run."""
    spent = dict.fromkeys(names, 0.0)

    def timed(name, function):
        def wrapper(*args, **kwargs):
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                spent[name] += time.perf_counter() - started

        return wrapper

    for name in names:
        setattr(module, name, timed(name, getattr(module, name)))
    return spent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=20_000)
    parser.add_argument("--workers", type=int, help="connections loading at once")
    parser.add_argument(
        "--keep-indexes", action="store_true", help="keep the search index up to date row by row"
    )
    args = parser.parse_args()
    options = {"workers": args.workers} if args.workers else {}
    if args.keep_indexes:
        options["rebuild_indexes"] = False

    database_url = fresh_database()
    env = {**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": "benchmark-only"}
    for command in (["migrate", "-v0"], ["load_gazetteer", "-v0"]):
        subprocess.run([sys.executable, "manage.py", *command], cwd=ROOT, env=env, check=True)

    os.environ.update(DATABASE_URL=database_url, SECRET_KEY="benchmark-only")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.db import connection

    import archive.bulk
    from archive.bulk import bulk_load_articles
    from archive.models import Article

    phases = time_phases(archive.bulk, ["_load", "restore_indexes"])
    from bench.load import corpus, ensure_tags, new_article

    started = time.perf_counter()
    tags = ensure_tags()
    rows = [new_article(item, tags) for item in corpus(args.articles, tags)]
    generating = time.perf_counter() - started

    load_average = os.getloadavg()[0]  # other work on the machine shows up in the rate
    started = time.perf_counter()
    loaded = bulk_load_articles(rows, **options)
    loading = time.perf_counter() - started

    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        version = cursor.fetchone()[0].split(" on ")[0]
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = %s ORDER BY indexname",
            [Article._meta.db_table],
        )
        indexes = [name for (name,) in cursor.fetchall()]
    links = sum(
        field.remote_field.through.objects.count() for field in Article._meta.local_many_to_many
    )
    settings = ", ".join(f"{name}={value}" for name, value in options.items()) or "defaults"
    print(
        f"{version}, {settings}: {loaded:,} articles and {links:,} tag links loaded in "
        f"{loading:.1f} s = {loaded / loading:,.0f} articles/s (generated beforehand in "
        f"{generating:.1f} s; load average {load_average:.1f} at the start; "
        f"{phases['_load']:.1f} s of COPY, {phases['restore_indexes']:.1f} s building indexes); "
        f"indexes: {', '.join(indexes)}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
