"""Near-duplicate candidate lookup at archive scale: the band index against a full scan.

    .venv/bin/python bench/duplicates.py [--articles 200000] [--probes 25]

Fills the configured database (the embedded one by default) with synthetic articles and
fingerprints (20 band rows each) inside a transaction that is rolled back, then times
``candidate_ids`` — the query every import makes for every article — as PostgreSQL plans it,
and the same query with index scans turned off as the peer, in the same run. Medians of
``--probes`` lookups; half the probes share bands with an archived article.
"""

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DEBUG", "1")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402

from archive.importing.fingerprints import BANDS, candidate_ids  # noqa: E402


def fill(articles: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO archive_article (headline, slug, raw_text, body, byline, source_url,
                curator_note, sha256, date_uncertain, headline_uncertain, is_excerpt,
                date_precision, created_at, updated_at)
            SELECT 'Bench ' || g, 'bench-dup-' || g, 'bench raw ' || g, 'bench body ' || g,
                '', '', '', md5('bench' || g) || md5('bench' || g), false, false, false, '',
                now(), now()
            FROM generate_series(1, %s) AS g
            """,
            [articles],
        )
        cursor.execute(
            """
            INSERT INTO archive_textfingerprint (article_id, shingle_count)
            SELECT id, 400 FROM archive_article WHERE slug LIKE 'bench-dup-%%'
            """
        )
        cursor.execute(
            """
            INSERT INTO archive_fingerprintband (band, fingerprint_id)
            SELECT (random() * 9e18)::bigint, f.article_id
            FROM archive_textfingerprint f CROSS JOIN generate_series(1, %s)
            ON CONFLICT DO NOTHING
            """,
            [BANDS],
        )
        cursor.execute("ANALYZE archive_article")
        cursor.execute("ANALYZE archive_textfingerprint")
        cursor.execute("ANALYZE archive_fingerprintband")


def probe_bands(known: bool) -> list[int]:
    if known:  # an article in the archive: half of its bands, half new ones
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT array_agg(band) FROM archive_fingerprintband WHERE fingerprint_id = "
                "(SELECT article_id FROM archive_textfingerprint ORDER BY random() LIMIT 1)"
            )
            bands = cursor.fetchone()[0]
        return bands[: BANDS // 2] + [random.getrandbits(62) for _ in range(BANDS // 2)]
    return [random.getrandbits(62) for _ in range(BANDS)]


def timed(probes: list[list[int]], *, index: bool) -> tuple[float, int]:
    runs, found = [], 0
    with connection.cursor() as cursor:
        flag = "on" if index else "off"
        cursor.execute(f"SET LOCAL enable_bitmapscan = {flag}")
        cursor.execute(f"SET LOCAL enable_indexscan = {flag}")
        cursor.execute(f"SET LOCAL enable_indexonlyscan = {flag}")
    for bands in probes:
        start = time.perf_counter()
        found += len(list(candidate_ids(bands)))
        runs.append((time.perf_counter() - start) * 1000)
    return statistics.median(runs), found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=200_000)
    parser.add_argument("--probes", type=int, default=25)
    args = parser.parse_args()
    random.seed(7)
    with transaction.atomic():
        start = time.perf_counter()
        fill(args.articles)
        print(
            f"{args.articles:,} synthetic articles and fingerprints in "
            f"{time.perf_counter() - start:.0f} s (rolled back at the end)"
        )
        probes = [probe_bands(known=n % 2 == 0) for n in range(args.probes)]
        with connection.cursor() as cursor:
            sql, params = candidate_ids(probes[0]).query.sql_with_params()
            cursor.execute(f"EXPLAIN {sql}", params)
            plan = " / ".join(
                row[0].strip().split("  (cost")[0] for row in cursor.fetchall() if "Scan" in row[0]
            )
        index_ms, index_found = timed(probes, index=True)
        scan_ms, scan_found = timed(probes, index=False)
        transaction.set_rollback(True)
    print(f"plan: {plan}")
    print(
        f"candidate lookup, median of {args.probes}: index {index_ms:.2f} ms, "
        f"full scan {scan_ms:.2f} ms, ratio {scan_ms / index_ms:.0f}x "
        f"(same candidates: {index_found == scan_found}, {index_found} found)"
    )


if __name__ == "__main__":
    main()
