"""The search benchmark: the archive under gunicorn beside Datasette, on the same corpus.

    make bench                      # 100,000 articles (BENCH_N to change)
    BENCH_N=2000 make bench         # a quick run

Steps: a fresh benchmark database (``archive_bench`` on the embedded server, or
BENCH_DATABASE_URL), migrations, the synthetic corpus (bench/corpus.py) through the archive's
COPY path and into SQLite, then gunicorn serving the real app and Datasette serving the SQLite
file, each asked the same query classes over HTTP. Prints p50/p95/p99 per class with the ratio
to Datasette, and saves the table as JSON under bench/results/.
"""

import json
import os
import platform
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

RESULTS = ROOT / "bench" / "results"
WORK = ROOT / ".data" / "bench"
REQUESTS, WARMUP = int(os.environ.get("BENCH_REQUESTS", 30)), 5

# (class, archive path, Datasette query string or None when Datasette has no counterpart)
SEARCHES = {
    "rare": "quokka",
    "10%": "sheriff",
    "30%": "detainer",
    "85%": "ICE",
    "AND": "detainer sheriff",
    "phrase": '"county jail"',
}


def free_port() -> int:
    """A loopback port nothing listens on (other servers may run on this machine)."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


OURS_PORT, PEER_PORT = free_port(), free_port()


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))
    return ordered[index]


def fetch(url: str) -> float:
    started = time.perf_counter()
    with urllib.request.urlopen(url, timeout=120) as response:
        response.read()
        if response.status != 200:
            raise RuntimeError(f"{url}: {response.status}")
    return (time.perf_counter() - started) * 1000


def measure(url: str) -> dict:
    for _ in range(WARMUP):
        fetch(url)
    timings = [fetch(url) for _ in range(REQUESTS)]
    return {
        "p50": round(statistics.median(timings), 1),
        "p95": round(percentile(timings, 0.95), 1),
        "p99": round(percentile(timings, 0.99), 1),
    }


def wait_for(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            fetch(url)
            return
        except (urllib.error.URLError, ConnectionError, RuntimeError):
            time.sleep(0.3)
    raise RuntimeError(f"{url} did not answer within {seconds} s")


def bench_database_url() -> str:
    url = os.environ.get("BENCH_DATABASE_URL")
    if url:
        return url
    import psycopg

    from config.database import embedded_database_url

    admin_url = embedded_database_url("postgres")
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute("DROP DATABASE IF EXISTS archive_bench WITH (FORCE)")
    return embedded_database_url("archive_bench")


def classes(sample_article: str, sample_place: str, sample_state: str) -> list[tuple]:
    """(name, archive path, Datasette path or None)."""
    from urllib.parse import urlencode

    rows = []
    facets = "&_facet=outlet&_facet=county&_size=20"
    for name, query in SEARCHES.items():
        ours = "/articles/?" + urlencode({"q": query})
        peer = "/corpus/articles.json?" + urlencode({"_search": query}) + facets
        rows.append((name, ours, peer))
        rows.append(
            (f"{name} + state", f"{ours}&state={sample_state}", f"{peer}&state={sample_state}")
        )
    rows += [
        ("page 50 of 85%", "/articles/?q=ICE&page=50", None),
        ("article page", f"/articles/{sample_article}/", None),
        ("place page", f"/jurisdictions/{sample_place}/", None),
        ("/jurisdictions/", "/jurisdictions/", None),
        ("API list", "/api/articles/?q=detainer", None),
    ]
    return rows


def start_servers(database_url: str, sqlite_path: Path) -> list[subprocess.Popen]:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DEBUG": "0",
        "SECRET_KEY": "benchmark-only-not-a-secret",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_HSTS_SECONDS": "0",
    }
    python = sys.executable
    subprocess.run(
        [python, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
    )
    gunicorn = subprocess.Popen(
        [
            python,
            "-m",
            "gunicorn",
            "config.wsgi",
            "--bind",
            f"127.0.0.1:{OURS_PORT}",
            "--workers",
            "2",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    datasette_bin = ROOT / ".venv-bench" / "bin" / "datasette"
    datasette = subprocess.Popen(
        [
            str(datasette_bin),
            "serve",
            str(sqlite_path),
            "--port",
            str(PEER_PORT),
            "--setting",
            "sql_time_limit_ms",
            "60000",
            "--setting",
            "facet_time_limit_ms",
            "60000",
            "--setting",
            "num_sql_threads",
            "2",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return [gunicorn, datasette]


def worker_rss_mb(gunicorn: subprocess.Popen) -> float:
    import psutil

    processes = [psutil.Process(gunicorn.pid), *psutil.Process(gunicorn.pid).children()]
    return round(max(process.memory_info().rss for process in processes) / 2**20, 1)


def main() -> int:
    count = int(os.environ.get("BENCH_N", 100_000))
    database_url = bench_database_url()
    env = {**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": "benchmark-only"}
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    # The corpus is tagged with the gazetteer's ~3,200 counties, as the archive's would be.
    subprocess.run(
        [sys.executable, "manage.py", "load_gazetteer", "-v0"], cwd=ROOT, env=env, check=True
    )

    os.environ.update(DATABASE_URL=database_url, SECRET_KEY="benchmark-only")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from archive.models import Article, Jurisdiction
    from bench.load import load

    WORK.mkdir(parents=True, exist_ok=True)
    sqlite_path = WORK / "corpus.db"
    print(f"Loading {count:,} articles …", flush=True)
    loading = load(count, sqlite_path)
    print(
        f"Loaded {loading['articles']:,} with their tags in {loading['seconds']} s, "
        f"{loading['per_second']:,} articles/s end to end ({loading['generating_seconds']} s of "
        "generating rows and writing SQLite went on meanwhile)"
    )
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    sample_article = Article.objects.order_by("pk").values_list("slug", flat=True)[count // 2]
    place = Jurisdiction.objects.filter(kind="county", articles__isnull=False).first()

    servers = start_servers(database_url, sqlite_path)
    table = []
    try:
        wait_for(f"http://127.0.0.1:{OURS_PORT}/healthz")
        wait_for(f"http://127.0.0.1:{PEER_PORT}/corpus.json")
        for name, ours, peer in classes(sample_article, place.slug, place.postal_code):
            row = {"class": name, "path": ours}
            try:
                row["ours"] = measure(f"http://127.0.0.1:{OURS_PORT}{ours}")
            except urllib.error.HTTPError as error:
                row["ours"] = {"error": error.code}
            if peer:
                row["datasette"] = measure(f"http://127.0.0.1:{PEER_PORT}{peer}")
            table.append(row)
            print(format_row(row), flush=True)
        rss = worker_rss_mb(servers[0])
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=30)

    result = {
        "articles": count,
        "requests_per_class": REQUESTS,
        "load": loading,
        "gunicorn_worker_rss_mb": rss,
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "table": table,
    }
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"{time.strftime('%Y%m%d-%H%M%S')}-{count}.json"
    path.write_text(json.dumps(result, indent=2))
    print(f"Largest gunicorn worker: {rss} MB RSS. Saved {path.relative_to(ROOT)}")
    return 0


def format_row(row: dict) -> str:
    ours, peer = row.get("ours", {}), row.get("datasette")
    if "error" in ours:
        return f"{row['class']:<20} HTTP {ours['error']}"
    text = f"{row['class']:<20} ours p50 {ours['p50']:>8} p95 {ours['p95']:>8} ms"
    if peer:
        ratio = ours["p95"] / peer["p95"] if peer["p95"] else float("nan")
        text += f" | Datasette p50 {peer['p50']:>8} p95 {peer['p95']:>8} ms | ratio {ratio:.2f}"
    return text


if __name__ == "__main__":
    sys.exit(main())
