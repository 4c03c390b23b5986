"""Precision and recall of the tag suggestions on the labelled set, beside a naive baseline.

    .venv/bin/python bench/suggestions.py [--errors] [--repeat N]

Runs against the configured database (the embedded one by default) inside a transaction
that is rolled back: the places the labelled set needs are created for the run only.
"""

import argparse
import os
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

from django.db import transaction  # noqa: E402

from archive.suggestions import evaluation  # noqa: E402

DATA = ROOT / "tests" / "data"
# The rules were tuned on "labelled"; "holdout" was written afterwards and is never tuned on.
SETS = [("labelled", DATA / "labelled"), ("held-out", DATA / "holdout")]


def timed(suggest, articles, repeat: int) -> float:
    """Median milliseconds per article over ``repeat`` passes."""
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        for article in articles:
            suggest(article.text)
        runs.append((time.perf_counter() - start) * 1000 / len(articles))
    return statistics.median(runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--errors", action="store_true", help="list every extra and missed tag")
    parser.add_argument("--repeat", type=int, default=5, help="timing passes (median is shown)")
    args = parser.parse_args()

    with transaction.atomic():
        for _, folder in SETS:
            evaluation.ensure_places(folder / "places.json")
        ours = evaluation.suggester()
        naive = evaluation.NaiveMatcher()
        results = []
        for label, folder in SETS:
            articles = evaluation.load_labelled(folder)
            results.append(
                (
                    label,
                    folder,
                    articles,
                    evaluation.evaluate(ours.suggest, articles),
                    evaluation.evaluate(naive.suggest, articles),
                )
            )
        every_article = [a for _, _, articles, _, _ in results for a in articles]
        ours_ms = timed(ours.suggest, every_article, args.repeat)
        naive_ms = timed(naive.suggest, every_article, args.repeat)
        transaction.set_rollback(True)

    for label, folder, articles, scores, baseline in results:
        print(f"{label} set: {len(articles)} articles ({folder.relative_to(ROOT)})")
        print(
            f"  {'kind':<13}{'expected':>9}  {'precision':>9} {'recall':>7}   "
            f"{'naive precision':>15} {'recall':>7}"
        )
        for kind in evaluation.KINDS:
            s, b = scores[kind], baseline[kind]
            expected = s.true_positives + s.false_negatives
            print(
                f"  {kind:<13}{expected:>9}  {s.precision:>9.2f} {s.recall:>7.2f}   "
                f"{b.precision:>15.2f} {b.recall:>7.2f}"
            )
        if args.errors:
            for kind in evaluation.KINDS:
                for line in scores[kind].errors:
                    print(f"    {line}")
        print()
    print(
        f"time per article (median of {args.repeat} passes over {len(every_article)} articles): "
        f"suggester {ours_ms:.2f} ms, naive matcher {naive_ms:.2f} ms, "
        f"ratio {ours_ms / naive_ms:.1f}x"
    )


if __name__ == "__main__":
    main()
