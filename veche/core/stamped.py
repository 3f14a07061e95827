"""Values read on nearly every request (an action's eligibility requirement, a person's staff
roles) kept in the shared cache, stamped with a version that any change of what they are built
from moves on.

A reader fetches the version and the value in one round trip and rebuilds the value when the
stamps differ; since it reads the version before the database, a change committed while it
rebuilds leaves a stale stamp behind, never a stale value that looks current. Writers call
`move_on` after their transaction commits. The lifetime only bounds what a cache that is not
shared between processes (the development default) could keep: a value may ask to be kept
longer (`shared_seconds`) when the cache is shared, where every change reaches every reader.
"""

from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

SECONDS = 60
T = TypeVar("T")


def _lifetime(shared_seconds: int) -> int:
    shared = not settings.CACHES["default"]["BACKEND"].endswith("LocMemCache")
    return shared_seconds if shared else SECONDS


def stamped(
    key: str,
    version_key: str | tuple[str, ...],
    build: Callable[[], T],
    *,
    shared_seconds: int = SECONDS,
) -> T:
    """The value under `key`, or `build()` kept there, stamped with the version under
    `version_key` (or the versions under each of several keys: a change of any of them makes
    the value stale)."""
    keys = (version_key,) if isinstance(version_key, str) else version_key
    found = cache.get_many([*keys, key])
    version = tuple(found.get(k, 0) for k in keys)
    stored = found.get(key)
    if stored is not None and stored[0] == version:
        return stored[1]
    value = build()
    cache.set(key, (version, value), _lifetime(shared_seconds))
    return value


def keep_many(
    values: dict[str, T], version_keys: dict[str, tuple[str, ...]], *, shared_seconds: int = SECONDS
) -> None:
    """Keep many values at once, each stamped with the current versions under its keys (as
    `stamped` would keep them one by one): for warming the cache up."""
    wanted = {key for keys in version_keys.values() for key in keys}
    found = cache.get_many(list(wanted))
    cache.set_many(
        {
            key: (tuple(found.get(k, 0) for k in version_keys[key]), value)
            for key, value in values.items()
        },
        _lifetime(shared_seconds),
    )


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
