"""One action run many times at once, as when people press the same button together or one
person presses it from many tabs: real threads, each with its own database connection.

On PostgreSQL the calls run in parallel, so row locks and unique constraints are what keep the
result right. SQLite serialises every write, so there `at_once` runs them one after another
(the same assertions must hold), and tests that mean the parallel case are marked
`ONLY_POSTGRESQL`."""

import contextlib
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, connections

PARALLEL = connection.vendor == "postgresql"
ONLY_POSTGRESQL = pytest.mark.skipif(
    not PARALLEL,
    reason="transactions racing each other need PostgreSQL; SQLite serialises every write anyway",
)
# A bound for a slow machine, not a timing: the threads are released as soon as all have started.
START_SECONDS = 10


def at_once(
    action,
    arguments,
    *,
    threads: int = 12,
    refusals: tuple[type[Exception], ...] = (ValidationError, PermissionDenied),
) -> dict[str, int]:
    """Call `action(argument)` for each argument from `threads` threads, the first call of each
    released together; count the outcomes: "done", or "refused" for one of `refusals`. Any other
    exception fails the test."""
    arguments = list(arguments)
    if not PARALLEL:
        return dict(Counter(_outcome(action, argument, refusals) for argument in arguments))
    together = min(threads, len(arguments))
    start = threading.Barrier(together)

    def run(numbered):
        number, argument = numbered
        try:
            if number < together:  # the first call of each thread (the pool gives one each)
                with contextlib.suppress(threading.BrokenBarrierError):
                    start.wait(timeout=START_SECONDS)
            return _outcome(action, argument, refusals)
        finally:
            connections.close_all()  # the thread's own connection

    with ThreadPoolExecutor(max_workers=together) as pool:
        return dict(Counter(pool.map(run, enumerate(arguments))))


def _outcome(action, argument, refusals) -> str:
    try:
        action(argument)
    except refusals:
        return "refused"
    return "done"
