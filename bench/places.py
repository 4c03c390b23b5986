"""How fast the place pages answer, over real HTTP, against peers measured in the same run.

Starts gunicorn (one sync worker, DEBUG off) on a free port of 127.0.0.1, against the
database the project is configured for (the embedded one unless DATABASE_URL is set), after
loading the gazetteer and the seed archive exactly as `make run` does. Each URL is requested
ROUNDS times, the URLs taking turns so that a slow moment of the machine falls on all of them
alike; the script prints medians and 90th percentiles, and each median as a ratio of
/healthz's (the floor: one query and no template) and of the article list's (a page readers
already use), and the app worker's CPU time per request. Run it with `make bench` or
`.venv/bin/python bench/places.py [--rounds N]`.
"""

import argparse
import http.client
import os
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
PEERS = ["/healthz", "/articles/"]
PLACE_PAGES = [
    "/jurisdictions/",
    "/jurisdictions/?map=states",
    "/jurisdictions/?q=wake",
    "/jurisdictions/maryland/",
    "/jurisdictions/texas/",
    "/jurisdictions/baltimore-county-md/",
    "/jurisdictions/loving-county-tx/",
    "/jurisdictions/hartford-ct/",
]
RESULTS = ROOT / "bench" / "results" / "places.txt"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_environment() -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DEBUG="0",
        SECRET_KEY=env.get("SECRET_KEY") or "bench-only-not-a-secret",
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="0",
        SECURE_HSTS_SECONDS="0",
    )
    return env


def prepare(env: dict[str, str]) -> None:
    """The same state as `make run`: migrated, gazetteer loaded, seed archive in."""
    for command in (["migrate", "--noinput"], ["load_gazetteer"], ["load_seed", "--if-empty"]):
        subprocess.run([PYTHON, "manage.py", *command, "-v", "0"], cwd=ROOT, env=env, check=True)
    # WhiteNoise's manifest storage needs collected files when DEBUG is off.
    subprocess.run(
        [PYTHON, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=env,
        check=True,
    )


def get(port: int, url: str) -> tuple[float, int, int]:
    """Seconds for one request on a fresh connection, the status and the body's size."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    start = time.perf_counter()
    connection.request("GET", url, headers={"Host": "127.0.0.1"})
    response = connection.getresponse()
    body = response.read()
    elapsed = time.perf_counter() - start
    connection.close()
    return elapsed, response.status, len(body)


def wait_until_up(port: int, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit("gunicorn exited before answering")
        try:
            if get(port, "/healthz")[1] == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("gunicorn did not answer within 30 s")


def worker_pid(master: int) -> int | None:
    """gunicorn's one worker process (Linux: read from /proc), or None elsewhere."""
    try:
        children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    except OSError:
        return None
    return int(children[0]) if children else None


def cpu_seconds(pid: int | None) -> float:
    """User + system CPU time a process has used: unlike wall time, other load hardly moves it."""
    if pid is None:
        return 0.0
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measure(port: int, urls: list[str], rounds: int, worker: int | None) -> dict[str, dict]:
    for url in urls:  # warm-up: the map's geometry is decoded on first use
        elapsed, status, _ = get(port, url)
        if status != 200:
            raise SystemExit(f"{url} answered {status}")
    timings: dict[str, list[float]] = {url: [] for url in urls}
    cpu: dict[str, float] = dict.fromkeys(urls, 0.0)
    sizes: dict[str, int] = {}
    for _ in range(rounds):
        for url in urls:
            before = cpu_seconds(worker)
            elapsed, status, size = get(port, url)
            cpu[url] += cpu_seconds(worker) - before
            assert status == 200, (url, status)
            timings[url].append(elapsed)
            sizes[url] = size
    return {
        url: {
            "median": statistics.median(values),
            "p90": statistics.quantiles(values, n=10)[-1],
            "cpu": cpu[url] / rounds if worker else None,
            "size": sizes[url],
        }
        for url, values in timings.items()
    }


def report(results: dict[str, dict], rounds: int) -> str:
    floor = results["/healthz"]["median"]
    listing = results["/articles/"]["median"]
    lines = [
        f"Place pages over HTTP: gunicorn, 1 sync worker, DEBUG off; {rounds} rounds, "
        f"URLs in turn; {os.cpu_count()} cores.",
        "",
        f"{'URL':<38} {'median ms':>9} {'p90 ms':>7} {'× healthz':>9} {'× list':>7} "
        f"{'app CPU ms':>10} {'KB':>6}",
    ]
    for url, r in results.items():
        cpu = f"{r['cpu'] * 1000:>10.1f}" if r["cpu"] is not None else f"{'–':>10}"
        lines.append(
            f"{url:<38} {r['median'] * 1000:>9.1f} {r['p90'] * 1000:>7.1f} "
            f"{r['median'] / floor:>9.1f} {r['median'] / listing:>7.2f} {cpu} "
            f"{r['size'] / 1024:>6.0f}"
        )
    slowest = max(PLACE_PAGES, key=lambda url: results[url]["median"])
    lines += [
        "",
        f"Slowest place page: {slowest} at {results[slowest]['median'] * 1000:.1f} ms median "
        f"(target: well under 100 ms).",
        "app CPU ms: the gunicorn worker's own CPU time per request (the database's excluded),",
        "which other work on the machine hardly changes; wall times are as loaded as it is:",
        f"load average {os.getloadavg()[0]:.1f} at the end of the run.",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=40)
    args = parser.parse_args()
    env = server_environment()
    prepare(env)
    port = free_port()
    gunicorn = [PYTHON, "-m", "gunicorn", "config.wsgi", "--workers", "1"]
    process = subprocess.Popen(
        [*gunicorn, "--bind", f"127.0.0.1:{port}", "--log-level", "warning"], cwd=ROOT, env=env
    )
    try:
        wait_until_up(port, process)
        results = measure(port, PEERS + PLACE_PAGES, args.rounds, worker_pid(process.pid))
    finally:
        process.terminate()
        process.wait(timeout=10)
    text = report(results, args.rounds)
    print(text)
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
