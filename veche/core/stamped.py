"""Values read on nearly every request (an action's eligibility requirement, a person's staff
roles) kept in the shared cache, stamped with a version that any change of what they are built
from moves on.

A reader fetches the version and the value in one round trip and rebuilds the value when the
stamps differ; since it reads the version before the database, a change committed while it
rebuilds leaves a stale stamp behind, never a stale value that looks current. Writers call
`move_on` after their transaction commits. The lifetime only bounds what a cache that is not
shared between processes (the development default) could keep.
"""

from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache
from django.db import transaction

SECONDS = 60
T = TypeVar("T")


def stamped(key: str, version_key: str, build: Callable[[], T]) -> T:
    found = cache.get_many([version_key, key])
    version = found.get(version_key, 0)
    stored = found.get(key)
    if stored is not None and stored[0] == version:
        return stored[1]
    value = build()
    cache.set(key, (version, value), SECONDS)
    return value


def move_on(version_key: str) -> None:
    """Make every value stamped with `version_key` stale: at once, and again once the current
    transaction commits, since a reader in between still reads what was there before."""
    _bump(version_key)
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(lambda: _bump(version_key))


def _bump(version_key: str) -> None:
    if cache.add(version_key, 1, timeout=None):
        return
    try:
        cache.incr(version_key)
    except ValueError:  # evicted in between
        cache.add(version_key, 1, timeout=None)
