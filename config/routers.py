"""Reads of the public pages from a read replica; everything else on the primary.

In use only when ``DATABASE_REPLICA_URLS`` is set (config/settings.py): each URL becomes a
database alias (``replica_1``, ``replica_2``, …) listed in ``settings.DATABASE_REPLICAS``, and
settings install ``ReplicaReadsMiddleware`` and ``PrimaryReplicaRouter``. Without it there is
one database, ``default``, and neither is installed.

The rule, and the pitfall each part avoids (docs/SCALING.md has the longer version):

- A request may read from a replica only when the middleware allowed it at its start: a GET,
  HEAD or OPTIONS, not under the admin, from a client without a session cookie. Readers never
  get a session; editors do when they log in, so an editor reads from the primary everywhere,
  the public pages included, and sees what they saved a moment ago (a replica lags behind).
- Once a request writes, it reads from the primary until it ends (read-your-writes within a
  request), and every read inside an open transaction on the primary is made there (it must
  see the transaction's own writes, and ``select_for_update`` must lock the primary's rows).
- Outside a request (management commands, imports, scripts, the shell, tests) everything uses
  the primary: replicas are opt-in per request, never the default.
- One replica is chosen per request, so the queries of one page see one state of the data
  and share one connection.
- The request's choice lasts until the response is closed, not only until the view returns:
  the CSV export streams, and its queries run while the server sends the body.
- The shared cache's table (settings.CACHES["shared"]) is read and written on the primary,
  and writing to it is not the request's own write: a reader who draws a figure for everyone
  goes on reading from its replica.
- Writes always go to the primary, and migrations run on the primary only (a replica receives
  them by replication; it is read-only anyway).
- Raw SQL must pick its connection from the router too (``connections[queryset.db]``):
  ``django.db.connection`` is always the primary.
"""

import random
from contextvars import ContextVar
from dataclasses import dataclass

from django.conf import settings
from django.core.signals import request_finished
from django.db import DEFAULT_DB_ALIAS, connections
from django.urls import reverse

READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@dataclass
class Reads:
    """What the current request may read from."""

    replica: str | None  # the replica alias chosen for this request; None: the primary only
    wrote: bool = False


_reads: ContextVar[Reads | None] = ContextVar("archive_replica_reads", default=None)


def replicas() -> list[str]:
    return list(getattr(settings, "DATABASE_REPLICAS", ()))


def in_transaction_on_primary() -> bool:
    """Whether the code has a transaction open on the primary.

    A test case's own wrapping transaction does not count (Django marks it, and skips it for
    the same reason when it checks ``atomic(durable=True)``): under it, the router decides as
    it would in production, and the tests can see what it decides.
    """
    primary = connections[DEFAULT_DB_ALIAS]
    return primary.in_atomic_block and not all(
        getattr(block, "_from_testcase", False) for block in primary.atomic_blocks
    )


CACHE_APP_LABEL = "django_cache"  # the app label of Django's database cache's model


class PrimaryReplicaRouter:
    def db_for_read(self, model, **hints):
        if model._meta.app_label == CACHE_APP_LABEL:
            return DEFAULT_DB_ALIAS
        reads = _reads.get()
        if reads is None or reads.replica is None or reads.wrote:
            return DEFAULT_DB_ALIAS
        if in_transaction_on_primary():
            return DEFAULT_DB_ALIAS
        return reads.replica

    def db_for_write(self, model, **hints):
        if model._meta.app_label == CACHE_APP_LABEL:
            return DEFAULT_DB_ALIAS
        reads = _reads.get()
        if reads is not None:
            reads.wrote = True
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        # Replicas hold the primary's rows: an object read from one may point at one read
        # from the other.
        pool = {DEFAULT_DB_ALIAS, *replicas()}
        if obj1._state.db in pool and obj2._state.db in pool:
            return True
        return None

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        if db in replicas():
            return False
        return None


def _admin_prefix() -> str:
    return reverse("admin:index")


def choose_replica(request) -> str | None:
    """The replica this request may read from, or None when it must read the primary."""
    pool = replicas()
    if not pool or request.method not in READ_METHODS:
        return None
    if settings.SESSION_COOKIE_NAME in request.COOKIES:
        return None
    if request.path.startswith(_admin_prefix()):
        return None
    return random.choice(pool)


class ReplicaReadsMiddleware:
    """Decides, at the start of each request, whether its reads may go to a replica.

    First in MIDDLEWARE, so that nothing reads before the decision.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        _reads.set(Reads(replica=choose_replica(request)))
        return self.get_response(request)


def _forget(**kwargs):
    # Sent when the response is closed: after a streamed body has gone out, too.
    _reads.set(None)


request_finished.connect(_forget, dispatch_uid="config.routers.forget")
