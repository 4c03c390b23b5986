"""The search benchmark's targets, judged from one run's result (bench/run.py's JSON).

A run prints its table; whether that table meets the targets took reading every row against
five rules, by hand, after every run. This module reads it the same way each time and prints,
under the table, each target as met or missed with the rows that decide it. Targets are set
for 100,000 and 1,000,000 articles (docs/PERFORMANCE.md); other sizes are not judged.
"""

from dataclasses import dataclass

# The speed targets, in milliseconds at p95 unless said otherwise.
SEARCH_LIMIT_100K = 100
PEER_SLOW = 100  # where Datasette's p95 is over this...
PEER_SHARE = 0.2  # ...ours must be at most this share of it
FAST_CLASSES_1M = ("rare", "rare + state", "AND", "AND + state")
FAST_LIMIT_1M = 50
ANY_LIMIT_1M = 300
PAGE_CLASSES = ("article page", "place page", "state page")
PAGE_LIMIT_1M = 30
WORKER_RSS_MB = 250
LOAD_PER_SECOND = 1_000


@dataclass(frozen=True)
class Check:
    target: str
    met: bool | None  # None: this run cannot tell
    detail: str

    def __str__(self) -> str:
        word = {True: "met", False: "MISSED", None: "not judged"}[self.met]
        return f"{word:<10}  {self.target}: {self.detail}"


def _p95(row: dict, side: str) -> float | None:
    figures = row.get(side) or {}
    return figures.get("p95")


def _listed(rows: list[tuple[str, str]], empty: str) -> str:
    return ", ".join(f"{name} {figure}" for name, figure in rows) if rows else empty


def _within(target: str, rows: list[dict], limit: float) -> Check:
    """Every row's p95 at most ``limit``: the slowest named when met, the offenders when not."""
    failed = [row for row in rows if "error" in row.get("ours", {})]
    timed = [row for row in rows if row not in failed]
    over = [(row["class"], f"{_p95(row, 'ours')} ms") for row in timed if _p95(row, "ours") > limit]
    over += [(row["class"], f"HTTP {row['ours']['error']}") for row in failed]
    if over:
        return Check(target, False, _listed(over, ""))
    if not timed:
        return Check(target, None, "no class measured")
    slowest = max(timed, key=lambda row: _p95(row, "ours"))
    return Check(target, True, f"slowest {slowest['class']} {_p95(slowest, 'ours')} ms")


def _peer_checks(searches: list[dict]) -> list[Check]:
    """A fifth of Datasette's p95 where that is over PEER_SLOW ms, and never slower anywhere."""
    compared = [row for row in searches if _p95(row, "datasette") and _p95(row, "ours")]
    if not compared:
        return [Check("compared with Datasette", None, "Datasette was not measured (BENCH_PEER=0)")]
    ratios = [(row["class"], _p95(row, "ours") / _p95(row, "datasette"), row) for row in compared]
    slow_peer = [(name, ratio) for name, ratio, row in ratios if _p95(row, "datasette") > PEER_SLOW]
    missed_share = [(name, f"{ratio:.2f}") for name, ratio in slow_peer if ratio > PEER_SHARE]
    worst_share = max((ratio for _, ratio in slow_peer), default=None)
    share = Check(
        f"at most {PEER_SHARE:g} of Datasette's p95 where it is over {PEER_SLOW} ms",
        not missed_share,
        _listed(missed_share, "")
        or (f"highest ratio {worst_share:.2f}" if slow_peer else "Datasette never over it"),
    )
    slower = [(name, f"{ratio:.2f}") for name, ratio, _ in ratios if ratio > 1]
    highest = max(ratio for _, ratio, _ in ratios)
    never = Check(
        "never slower than Datasette (p95 ratio at most 1)",
        not slower,
        _listed(slower, "") or f"highest ratio {highest:.2f}",
    )
    return [share, never]


def _load_check(load: dict) -> Check:
    target = f"loading at {LOAD_PER_SECOND:,} articles/s or more, tags and indexes included"
    if load.get("reused") or "per_second" not in load:
        return Check(target, None, "this run reused an earlier load")
    rate = load["per_second"]
    return Check(target, rate >= LOAD_PER_SECOND, f"{rate:,} articles/s")


def judge(result: dict) -> list[Check]:
    """Each target for the run's size, met or missed; empty for a size without targets."""
    size, table = result["articles"], result["table"]
    searches = [row for row in table if "warm" in row]  # run.py asks a warm server of these
    rss = result.get("gunicorn_worker_rss_mb")
    memory = Check(
        f"every gunicorn worker under {WORKER_RSS_MB} MB RSS",
        rss is not None and rss < WORKER_RSS_MB,
        f"largest {rss} MB",
    )
    if size == 100_000:
        return [
            _within(
                f"every search class at most {SEARCH_LIMIT_100K} ms", searches, SEARCH_LIMIT_100K
            ),
            *_peer_checks(searches),
            memory,
            _load_check(result.get("load", {})),
        ]
    if size == 1_000_000:
        fast = [row for row in table if row["class"] in FAST_CLASSES_1M]
        pages = [row for row in table if row["class"] in PAGE_CLASSES]
        return [
            _within(f"rare and AND classes at most {FAST_LIMIT_1M} ms", fast, FAST_LIMIT_1M),
            _within(f"every class at most {ANY_LIMIT_1M} ms", table, ANY_LIMIT_1M),
            _within(f"article and place pages at most {PAGE_LIMIT_1M} ms", pages, PAGE_LIMIT_1M),
            memory,
            _load_check(result.get("load", {})),
        ]
    return []


def report(result: dict) -> str:
    """The verdict as bench/run.py prints it under the table."""
    checks = judge(result)
    if not checks:
        return (
            f"No targets are set for {result['articles']:,} articles (only 100,000 and 1,000,000)."
        )
    missed = sum(check.met is False for check in checks)
    heading = f"Targets at {result['articles']:,} articles, p95 over HTTP: " + (
        "every one met." if not missed else f"{missed} of {len(checks)} missed."
    )
    return "\n".join([heading, *(f"  {check}" for check in checks)])
