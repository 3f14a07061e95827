"""Values read on nearly every request (an action's eligibility requirement, a person's staff
roles) kept in the shared cache, stamped with a version that any change of what they are built
from moves on.

A reader fetches the version and the value in one round trip and rebuilds the value when the
stamps differ; since it reads the version before the database, a change committed while it
rebuilds leaves a stale stamp behind, never a stale value that looks current. Writers call
`move_on` after their transaction commits. The lifetime only bounds what a cache that is not
shared between processes (the development default) could keep: a value may ask to be kept
longer (`shared_seconds`) when the cache is shared, where every change reaches every reader.

A request that knows what it will read (a signature: the problem, the person's record and
blocks, the rate limits' table) reads it ahead in one round trip (`read_ahead`): each value
read ahead answers the first `stamped` (or `get`) that asks for it in the same request, and a
`move_on` in between drops them all. A read ahead is the same read made a moment earlier, so
what it finds is exactly as current as it would have been.
"""

import contextvars
import functools
import secrets
import time
from collections.abc import Callable, Iterable
from typing import NamedTuple, TypeVar

from django.conf import settings
from django.core.cache import DEFAULT_CACHE_ALIAS, cache, caches
from django.core.cache.backends.redis import RedisCache
from django.db import transaction

from veche.core.release import keyed

SECONDS = 60
# How long past its lifetime a value may still be given while one request builds it again (the
# others get the copy before): longer than any build takes. A version's change is never waited
# out: a stale stamp is built again by whoever reads it.
GRACE = 10
# How long a version is kept: far longer than any value stamped with it, and not for ever, since
# anyone may ask for a page whose version is made on the way (a problem that does not exist). A
# version that ran out starts again at a random number, as one the cache lost.
VERSION_SECONDS = 24 * 3600
T = TypeVar("T")


def is_shared() -> bool:
    """Whether the cache is one for every process (Redis), where every change reaches every
    reader, rather than each process's own memory (the development default)."""
    return not settings.CACHES["default"]["BACKEND"].endswith("LocMemCache")


def _lifetime(shared_seconds: int) -> int:
    return shared_seconds if is_shared() else min(shared_seconds, SECONDS)


def stamped(
    key: str,
    version_key: str | tuple[str, ...],
    build: Callable[[], T],
    *,
    shared_seconds: int = SECONDS,
) -> T:
    """The value under `key`, or `build()` kept there, stamped with the version under
    `version_key` (or the versions under each of several keys: a change of any of them makes
    the value stale). A value that ran out of its lifetime unchanged is built again by one
    request, while the others get the copy before for as long as that takes (`GRACE` at most)."""
    keys = _as_keys(version_key)
    key = keyed(key)  # this release's own: another's may not fit its code
    found = _taken_ahead([*keys, key], key)
    if found is None:
        found = cache.get_many([*keys, key])
    stored = found.pop(key, None)
    version = _versions(keys, found)
    lifetime = _lifetime(shared_seconds)
    if stored is not None and stored[0] == version:
        made = stored[2]
        if time.time() < made + lifetime or not cache.add(f"{key}:building:{made}", 1, GRACE):
            # Current; or run out while another request builds it again, which takes no longer
            # than one build: the copy before serves until then, rather than every request
            # that comes meanwhile building its own (on a page read hundreds of times a second).
            return stored[1]
    value = build()
    cache.set(key, (version, value, time.time()), lifetime + GRACE)
    return value


def _as_keys(version_key: str | tuple[str, ...]) -> tuple[str, ...]:
    return (version_key,) if isinstance(version_key, str) else version_key


def _versions(keys: tuple[str, ...], found: dict) -> tuple:
    """The versions under `keys`, as read in `found`. A version the cache lost (evicted, or a
    failover) starts again at a random number, never at one a value may still be stamped with:
    counting again from 1 would make a value stamped before the loss look current."""
    missing = [k for k in keys if k not in found]
    for k in missing:
        cache.add(k, _fresh_version(), timeout=VERSION_SECONDS)
    if missing:
        found = {**found, **cache.get_many(missing)}
    return tuple(found.get(k, 0) for k in keys)


def _fresh_version() -> int:
    return secrets.randbits(62)


def keep_many(
    values: dict[str, T], version_keys: dict[str, tuple[str, ...]], *, shared_seconds: int = SECONDS
) -> None:
    """Keep many values at once, each stamped with the current versions under its keys (as
    `stamped` would keep them one by one): for warming the cache up."""
    wanted = tuple({key for keys in version_keys.values() for key in keys})
    now = time.time()
    found = dict(zip(wanted, _versions(wanted, cache.get_many(list(wanted))), strict=True))
    cache.set_many(
        {
            keyed(key): (tuple(found[k] for k in version_keys[key]), value, now)
            for key, value in values.items()
        },
        _lifetime(shared_seconds) + GRACE,
    )


def move_on(version_key: str) -> None:
    """Make every value stamped with `version_key` stale: at once, and again once the current
    transaction commits, since a reader in between still reads what was there before."""
    move_on_many([version_key])


def move_on_many(version_keys: Iterable[str]) -> None:
    """`move_on` for many versions: on Redis one round trip now and one after the commit,
    however many they are (a notice to every signatory of an appeal moves on each one's count)."""
    keys = list(dict.fromkeys(version_keys))
    if not keys:
        return
    _bump(keys)
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(lambda: _bump(keys))


_BUMP_BATCH = 1000
# Each version: made at the random number given if the cache has none, else raised by one.
# One script, so that no version can expire between the two and be raised from nothing to 1
# with no lifetime (Redis stops the clock while a script runs).
_BUMP_SCRIPT = """
for i, key in ipairs(KEYS) do
  if not redis.call('SET', key, ARGV[i], 'EX', ARGV[#KEYS + 1], 'NX') then
    redis.call('INCR', key)
  end
end
return #KEYS
"""


def _bump(version_keys: list[str]) -> None:
    """Move each version on: a version the cache lost starts again at a random number (so does
    one never made), one it holds goes up by one. What the request read ahead is dropped, now
    and again after the commit: what was read before a change is not read after it."""
    forget_read_ahead()
    backend = caches[DEFAULT_CACHE_ALIAS]  # `cache` is a proxy: its type says nothing
    if not isinstance(backend, RedisCache):
        for key in version_keys:
            if cache.add(key, _fresh_version(), timeout=VERSION_SECONDS):
                continue
            try:
                cache.incr(key)
            except ValueError:  # evicted in between
                cache.add(key, _fresh_version(), timeout=VERSION_SECONDS)
        return
    # Django's Redis cache stores an integer as it is (not pickled), so INCR adds to it.
    script = backend._cache.get_client(write=True).register_script(_BUMP_SCRIPT)
    for start in range(0, len(version_keys), _BUMP_BATCH):
        keys = [backend.make_and_validate_key(k) for k in version_keys[start : start + _BUMP_BATCH]]
        script(keys=keys, args=[*(_fresh_version() for _ in keys), VERSION_SECONDS])


def forget(key: str, version_key: str) -> None:
    """`move_on`, and the value under `key` deleted at once: for values that hold personal
    data, which should not outlive the rows they came from."""
    cache.delete(keyed(key))  # other releases' copies go stale with the version
    move_on(version_key)


# --- Reading ahead ------------------------------------------------------------------------


class Read(NamedTuple):
    """A `stamped` read, named as the reader names it: the value's key and its version keys."""

    key: str
    version_key: str | tuple[str, ...]


class _Ahead:
    """What a request read ahead: `fetched` every cache key asked for (found or not), `found`
    those the cache held."""

    def __init__(self):
        self.fetched: set[str] = set()
        self.found: dict = {}
        self.fetched_along = False
        self.view_read = False


_ahead: contextvars.ContextVar[_Ahead | None] = contextvars.ContextVar(
    "stamped_ahead", default=None
)


class ReadAheadMiddleware:
    """Opens the request's room for values read ahead (`read_ahead`), and empties it at the end,
    so that nothing read for one request answers another served later by the same thread."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _ahead.set(_Ahead())
        try:
            return self.get_response(request)
        finally:
            _ahead.reset(token)


# Keys that nearly every answer reads with `get` (the origins of the Content Security Policy):
# the first read ahead of a request fetches them too.
_ALONG: list[str] = []


def read_along(key: str) -> None:
    """Have the first read ahead of each request fetch `key` too (from an app's `ready`)."""
    if key not in _ALONG:
        _ALONG.append(key)


# What a page opened by a signed-in person reads besides its own content (the header's unread
# count, the territory picker): each app registers a function of the person's id that names its
# reads, and the person's account is read ahead with them (`veche.accounts.middleware`).
_PAGE_READS: list[Callable[[int], Iterable[Read]]] = []


def read_with_pages(reads_of: Callable[[int], Iterable[Read]]) -> None:
    """Have a signed-in person's page read `reads_of(person's id)` ahead (from an app's `ready`)."""
    if reads_of not in _PAGE_READS:
        _PAGE_READS.append(reads_of)


def page_reads(user_id: int) -> list[Read]:
    """What a page opened by the person with `user_id` reads from the shared cache, as the
    apps registered it."""
    return [read for reads_of in _PAGE_READS for read in reads_of(user_id)]


class ViewReads(NamedTuple):
    """What a view reads from the shared cache: `stamped` reads and keys read with `get`."""

    reads: list[Read]
    keys: list[str]


def reads_ahead(reads_of: Callable[..., ViewReads]):
    """A view's decorator: the view reads `reads_of(request, user_id, **the URL's kwargs)`
    (`user_id` None for a visitor not signed in) ahead of its work. For a signed-in person the
    account is read first, with the URL already resolved (`veche.accounts.middleware`): the
    view's reads then go in that same round trip (`view_reads`), and the view reads nothing
    ahead again. `reads_of` runs while the account is being read: it names keys from its
    arguments and must not ask for `request.user` or `request.session` itself."""

    def decorate(view):
        @functools.wraps(view)
        def reading_ahead(request, *args, **kwargs):
            # The account, read now if no gate read it: its read ahead may take the view's along.
            user_id = request.user.pk if request.user.is_authenticated else None
            ahead = _ahead.get()
            if ahead is not None and not ahead.view_read:
                ahead.view_read = True
                wanted = reads_of(request, user_id, **kwargs)
                read_ahead(wanted.reads, wanted.keys)
            return view(request, *args, **kwargs)

        reading_ahead.veche_reads_of = reads_of
        return reading_ahead

    return decorate


def view_reads(request, user_id: int, *, again: bool = False) -> ViewReads:
    """What the view that answers `request` reads ahead (`reads_ahead`), if the URL is resolved
    already, for a read ahead of the request that comes first to take it along: the view then
    reads nothing ahead itself. `again`: for another person than a read ahead before named."""
    match = getattr(request, "resolver_match", None)
    reads_of = getattr(match.func, "veche_reads_of", None) if match is not None else None
    ahead = _ahead.get()
    if reads_of is None or ahead is None or (ahead.view_read and not again):
        return ViewReads([], [])
    ahead.view_read = True
    return reads_of(request, user_id, **match.kwargs)


def read_ahead(reads: Iterable[Read] = (), keys: Iterable[str] = ()) -> None:
    """Read in one round trip what this request's `stamped` calls (`reads`) and `get` calls
    (`keys`) will ask for. Outside a request (a task, a command) it does nothing, and each is
    read when asked for."""
    ahead = _ahead.get()
    if ahead is None:
        return
    wanted = [key for read in reads for key in (*_as_keys(read.version_key), keyed(read.key))]
    if not ahead.fetched_along:
        ahead.fetched_along = True
        wanted += _ALONG
    wanted = list(dict.fromkeys([*wanted, *keys]))
    if not wanted:
        return
    for key in wanted:  # what the cache no longer holds is not given from an earlier read
        ahead.found.pop(key, None)
    ahead.found.update(cache.get_many(wanted))
    ahead.fetched.update(wanted)


def forget_read_ahead(*keys: str) -> None:
    """Drop what this request read ahead under `keys` (every key when none is named): for a
    value the request itself deleted or wrote with the cache's own calls."""
    ahead = _ahead.get()
    if ahead is None:
        return
    if not keys:
        ahead.fetched.clear()
        ahead.found.clear()
    for key in keys:
        ahead.fetched.discard(key)
        ahead.found.pop(key, None)


def _taken_ahead(wanted: list[str], value_key: str) -> dict | None:
    """What was read ahead of `wanted`, if all of it was; the value under `value_key` is given
    once (a second read in the request asks the cache again, and finds what the first wrote)."""
    ahead = _ahead.get()
    if ahead is None or not ahead.fetched.issuperset(wanted):
        return None
    ahead.fetched.discard(value_key)
    return {key: ahead.found[key] for key in wanted if key in ahead.found}


def was_read_ahead(key: str) -> bool:
    """Whether this request read `key` ahead and has not yet taken it."""
    ahead = _ahead.get()
    return ahead is not None and key in ahead.fetched


def get(key: str):
    """`cache.get(key)`, answered from what the request read ahead if it read `key`."""
    found = _taken_ahead([key], key)
    return cache.get(key) if found is None else found.get(key)
