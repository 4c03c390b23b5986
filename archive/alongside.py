"""A second connection for work a page needs beside the count it is already waiting on.

A search page counts its list, and meanwhile need not wait for the count to read its rows
when their order is known without it, nor to count a chosen facet's other values over the
list without that facet (a search within a state). Each statement runs on one core: one
after the other they take the sum, on two connections at once the longer of them
(docs/PERFORMANCE.md, items 39 and 40). Each process keeps one thread for this, with its own
connection, reused from page to page as a request's is (``CONN_MAX_AGE``).

The work runs in the request's context, so the database router sends it where the request's
own reads go (a replica, config/routers.py). Inside a transaction it runs on the request's
connection instead, when it is asked for: another connection could not see the transaction's
own writes (a test's rows among them).
"""

import contextvars
import os
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor

from django.db import close_old_connections, connections

_lock = threading.Lock()
_executor: ThreadPoolExecutor | None = None
_executor_pid: int | None = None


class Later[T]:
    """Work to run on the caller's own connection, once, when its result is asked for."""

    def __init__(self, work: Callable[[], T]):
        self._work = work
        self._done = False
        self._result: T | None = None

    def result(self) -> T:
        if not self._done:
            self._result, self._done = self._work(), True
        return self._result


def alongside[T](database: str, work: Callable[[], T]) -> "Future[T] | Later[T]":
    """``work`` (statements on ``database``) started on the second connection, to be
    collected with ``.result()``; an exception it raises is raised there."""
    if connections[database].in_atomic_block:
        return Later(work)
    context = contextvars.copy_context()
    return _this_process_executor().submit(context.run, _on_own_connection, work)


def _on_own_connection[T](work: Callable[[], T]) -> T:
    # As at the start of a request: a connection past CONN_MAX_AGE, or broken, is replaced.
    close_old_connections()
    return work()


def _this_process_executor() -> ThreadPoolExecutor:
    """The process's thread, started in the process itself: one started before a fork (a
    server that loads the app and then forks its workers) does not exist in the child."""
    global _executor, _executor_pid
    with _lock:
        if _executor is None or _executor_pid != os.getpid():
            _executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="archive-alongside")
            _executor_pid = os.getpid()
        return _executor


def close_connections() -> None:
    """Close the second thread's connections, if this process has started it: a database
    cannot be dropped while a connection to it is open (the test database, at the end)."""
    with _lock:
        executor = _executor if _executor_pid == os.getpid() else None
    if executor is not None:
        executor.submit(connections.close_all).result()
