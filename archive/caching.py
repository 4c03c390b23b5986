"""Whole-archive figures cached until the archive changes.

Counting every place's articles for the national map reads every tag link: fine for one
request, wasteful for every request. The figures are cached under the value of a counter that
each write to articles, tag links or tags moves on (a statement trigger, migration 0008), so
the first read after any change — from the admin, an import, a bulk load or plain SQL —
computes them afresh, and every other read costs one small query.

They are kept in two places (settings.CACHES["figures"], a LayeredCache): this process's
memory, and a cache every process and server shares (by default a table in the archive's own
database). The first process to want a figure after a change draws it; the others read it
from the shared cache once and then from their memory. At 1,000,000 articles a state's page
or /jurisdictions/ took 0.8–1.8 s to draw afresh, which every worker paid after every edit.

The counter moves when the writing statement runs, before its transaction commits: a read in
that instant could cache figures that miss the write. CACHE_SECONDS bounds how long that can
last (twice that at most, when a process copies the shared value just before it expires).
"""

import pickle
import zlib
from collections.abc import Callable
from dataclasses import dataclass

from django.core.cache import cache, caches
from django.core.cache.backends.base import DEFAULT_TIMEOUT, BaseCache
from django.db import connections, router

from archive.models import Article

CACHE_SECONDS = 300
FIGURES = "figures"


def archive_version() -> int:
    """The change counter where this request reads its figures (a replica's lags with it)."""
    with connections[router.db_for_read(Article)].cursor() as cursor:
        cursor.execute("SELECT last_value FROM archive_change_counter")
        return cursor.fetchone()[0]


def cached[T](
    name: str, compute: Callable[[], T], seconds: int = CACHE_SECONDS, *, shared: bool = True
) -> T:
    """``compute()``'s value, computed once per change of the archive; computed every time
    when ``seconds`` is 0. ``shared=False`` keeps it in this process only: for a search's
    counts, where writing every new search's to the shared cache would cost each a write."""
    if seconds <= 0:
        return compute()
    store = caches[FIGURES] if shared else cache
    return store.get_or_set(f"archive:{name}:{archive_version()}", compute, seconds)


@dataclass(frozen=True)
class Packed:
    """A value as the far cache keeps it: pickled and compressed. The place list's county map
    is about 900 KB of HTML; stored as it was (the database cache writes every value in
    base64, which PostgreSQL then compresses with its slower pglz), it took 27 ms of the page
    drawn afresh at 1,000,000 articles (docs/PERFORMANCE.md, item 68)."""

    data: bytes

    @classmethod
    def of(cls, value) -> "Packed":
        return cls(zlib.compress(pickle.dumps(value, pickle.HIGHEST_PROTOCOL), 1))

    def unpacked(self):
        return pickle.loads(zlib.decompress(self.data))


def far_key(key: str) -> str:
    """Where the far cache keeps a key's packed value: under a name of its own, so that a
    process of a release before ``Packed`` (during a rolling deploy, or after a rollback)
    never reads one it cannot unpickle, and draws its own figure instead."""
    return f"packed:{key}"


class LayeredCache(BaseCache):
    """A near cache (this process's memory) in front of a far one (shared by every process):
    a value is read from the far cache only when the near one lacks it, and kept near after.

    OPTIONS name the two caches by their aliases in settings.CACHES: ``{"NEAR": "default",
    "FAR": "shared"}``. A value goes near as it is, and far packed (``Packed``, under
    ``far_key``).
    """

    def __init__(self, location, params):
        options = params.get("OPTIONS", {})
        self._near_alias = options.get("NEAR", "default")
        self._far_alias = options["FAR"]
        super().__init__(params)

    @property
    def near(self) -> BaseCache:
        return caches[self._near_alias]

    @property
    def far(self) -> BaseCache:
        return caches[self._far_alias]

    def get(self, key, default=None, version=None):
        missing = object()
        value = self.near.get(key, missing, version=version)
        if value is missing:
            packed = self.far.get(far_key(key), missing, version=version)
            if packed is missing:
                return default
            value = packed.unpacked()
            self.near.set(key, value, version=version)
        return value

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        self.far.set(far_key(key), Packed.of(value), timeout, version=version)
        self.near.set(key, value, timeout, version=version)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        """Added far first: when another process added it meanwhile, theirs is kept and
        read back, so every process shows the same figure."""
        added = self.far.add(far_key(key), Packed.of(value), timeout, version=version)
        if added:
            self.near.set(key, value, timeout, version=version)
        return added

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        self.near.touch(key, timeout, version=version)
        return self.far.touch(far_key(key), timeout, version=version)

    def delete(self, key, version=None):
        deleted = self.far.delete(far_key(key), version=version)
        return self.near.delete(key, version=version) or deleted

    def clear(self):
        self.far.clear()
        self.near.clear()
