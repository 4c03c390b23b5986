"""Whole-archive figures cached until the archive changes.

Counting every place's articles for the national map reads every tag link: fine for one
request, wasteful for every request. The figures are cached under the value of a counter that
each write to articles, tag links or tags moves on (a statement trigger, migration 0008), so
the first read after any change — from the admin, an import, a bulk load or plain SQL —
computes them afresh, and every other read costs one small query.

The counter moves when the writing statement runs, before its transaction commits: a read in
that instant could cache figures that miss the write. CACHE_SECONDS bounds how long that can
last.
"""

from collections.abc import Callable

from django.core.cache import cache
from django.db import connections, router

from archive.models import Article

CACHE_SECONDS = 300


def archive_version() -> int:
    """The change counter where this request reads its figures (a replica's lags with it)."""
    with connections[router.db_for_read(Article)].cursor() as cursor:
        cursor.execute("SELECT last_value FROM archive_change_counter")
        return cursor.fetchone()[0]


def cached[T](name: str, compute: Callable[[], T], seconds: int = CACHE_SECONDS) -> T:
    """``compute()``'s value, computed once per change of the archive (per cache); computed
    every time when ``seconds`` is 0."""
    if seconds <= 0:
        return compute()
    return cache.get_or_set(f"archive:{name}:{archive_version()}", compute, seconds)
