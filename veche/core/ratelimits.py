"""Rate limits of signing, publishing, commenting, rating and submitting, as data.

Operators keep the table (`RateLimit`: an action, what is counted — the account, the IP
address, or its network, IPv4 /24 or IPv6 /64 — and a burst and a sustained window). A service
calls `spend(action, user)` before it acts; each window is a fixed-window counter in the shared
cache (Redis in production), keyed by action, scope, key and window, so a request costs one
round trip to Redis and no database query: the table itself is kept in the cache too, and
dropped whenever an operator changes it. Every attempt counts, refused ones included.

Limits guard requests: `ClientSourceMiddleware` tells this module who is at the other end for
the length of the request. Work that no request started (the demo loader, the shell, a
background task) is not counted.

Addresses are never stored or used as keys as they are: both the address and its network are
HMAC-hashed with the site's key (`VECHE_SOURCE_KEY`, else `SECRET_KEY`), and only the network's
hash is kept, with each signature, for the moderators' view of where signatures come from.
"""

import contextlib
import contextvars
import hashlib
import hmac
import ipaddress
import math
import time

from django.conf import settings
from django.core.cache import DEFAULT_CACHE_ALIAS, cache, caches
from django.core.cache.backends.redis import RedisCache
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from veche.core import stamped
from veche.core.audit import record_event
from veche.core.models import RateLimit
from veche.core.net import client_ip

TABLE_KEY = "ratelimits:table"
TABLE_SECONDS = 60


class RateLimited(PermissionDenied):
    """Over a limit. A page shows the message; an error left to Django becomes a 429 with
    `Retry-After` (problem details for the API, `veche.core.errors.permission_denied`)."""

    def __init__(self, message: str, retry_after: int):
        super().__init__(message)
        self.retry_after = retry_after


class Client:
    """Who acts: the hashed address and network. Hashed when first asked for, so that a
    request that counts and records nothing (a page read) costs no hashing."""

    __slots__ = ("_address", "_network", "_source")

    def __init__(self, source):
        self._source = source  # the address, or a function that finds it
        self._address = self._network = None

    def _raw(self) -> str:
        if callable(self._source):
            self._source = self._source()
        return self._source

    @property
    def address(self) -> str:
        if self._address is None:
            self._address = _hashed(self._raw())
        return self._address

    @property
    def network(self) -> str:
        if self._network is None:
            self._network = _hashed(network_of(self._raw()))
        return self._network


_client: contextvars.ContextVar[Client | None] = contextvars.ContextVar("client", default=None)


def _hashed(value: str) -> str:
    key = (settings.VECHE_SOURCE_KEY or settings.SECRET_KEY).encode()
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()[:16]


def network_of(address: str) -> str:
    """The /24 of an IPv4 address, the /64 of an IPv6 one (an IPv4-mapped one is IPv4)."""
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address
    if isinstance(parsed, ipaddress.IPv6Address) and parsed.ipv4_mapped:
        parsed = parsed.ipv4_mapped
    prefix = 24 if parsed.version == 4 else 64
    return str(ipaddress.ip_network(f"{parsed}/{prefix}", strict=False))


def client_for(address: str) -> Client:
    return Client(address)


@contextlib.contextmanager
def acting_from(address):
    """Count what is done inside as coming from this address (a request, or a test), or from
    the one a function finds when first asked (`ClientSourceMiddleware`)."""
    token = _client.set(Client(address))
    try:
        yield
    finally:
        _client.reset(token)


def current_network() -> str:
    """The hashed network the current request comes from ("" outside a request)."""
    client = _client.get()
    return client.network if client else ""


class ClientSourceMiddleware:
    """Lets the services know, for the request, which address and network are acting. The
    forwarded chain is read only if something asks (a signature, a limit)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with acting_from(lambda: client_ip(request)):
            return self.get_response(request)


# --- Counting -------------------------------------------------------------------------------


def _table() -> dict[str, list[tuple[str, int, int, int, int]]]:
    table = stamped.get(TABLE_KEY)  # read ahead by a signature
    if table is None:
        table = {}
        for row in RateLimit.objects.filter(enabled=True):
            table.setdefault(row.action, []).append(
                (
                    row.scope,
                    row.burst_limit,
                    row.burst_seconds,
                    row.sustained_limit,
                    row.sustained_seconds,
                )
            )
        cache.set(TABLE_KEY, table, TABLE_SECONDS)
    return table


# Each counter made with its lifetime if the cache has none, then raised by one; the new values
# returned. One script for every window of an action: a command to send, not two per window.
_INCREMENT_SCRIPT = """
local values = {}
for i, key in ipairs(KEYS) do
  redis.call('SET', key, 0, 'EX', ARGV[i], 'NX')
  values[i] = redis.call('INCR', key)
  if redis.call('TTL', key) == -1 then  -- one left without a lifetime: never kept for ever
    redis.call('EXPIRE', key, ARGV[i])
  end
end
return values
"""
_increment_script = None


def _increment(keys: list[tuple[str, int]]) -> list[int]:
    """Add one to each (key, seconds) counter and return the new values: one round trip on
    Redis, an add and an increment per counter on other caches."""
    global _increment_script
    backend = caches[DEFAULT_CACHE_ALIAS]  # `cache` is a proxy: its type says nothing
    if isinstance(backend, RedisCache):
        full = [backend.make_and_validate_key(key) for key, _seconds in keys]
        client = backend._cache.get_client(full[0], write=True)
        if _increment_script is None:  # sent by its SHA-1, loaded once per Redis server
            _increment_script = client.register_script(_INCREMENT_SCRIPT)
        return _increment_script(
            keys=full, args=[seconds + 1 for _key, seconds in keys], client=client
        )
    values = []
    for key, seconds in keys:
        cache.add(key, 0, seconds + 1)
        try:
            values.append(cache.incr(key))
        except ValueError:  # expired between the two calls
            cache.set(key, 1, seconds + 1)
            values.append(1)
    return values


def spend(action: str, user) -> None:
    """Count one `action` by `user` from the current request's address and network; refuse it
    with `RateLimited` when any window of the table is over its limit."""
    client = _client.get()
    if client is None:
        return
    rows = _table().get(action)
    if not rows:
        return
    keys_of_scope = {
        RateLimit.Scope.ACCOUNT: f"u{user.pk}" if getattr(user, "pk", None) else None,
        RateLimit.Scope.ADDRESS: client.address,
        RateLimit.Scope.NETWORK: client.network,
    }
    now = time.time()
    counters, limits = [], []
    for scope, burst, burst_seconds, sustained, sustained_seconds in rows:
        key = keys_of_scope.get(scope)
        if key is None:
            continue
        for limit, seconds in ((burst, burst_seconds), (sustained, sustained_seconds)):
            window = int(now // seconds)
            counters.append((f"rl:{action}:{scope}:{key}:{seconds}:{window}", seconds))
            limits.append((limit, (window + 1) * seconds - now))
    if not counters:
        return
    waits = [
        wait
        for count, (limit, wait) in zip(_increment(counters), limits, strict=True)
        if count > limit
    ]
    if waits:
        retry_after = max(1, math.ceil(max(waits)))
        raise RateLimited(refusal_text(action, retry_after), retry_after)


def refusal_text(action: str, retry_after: int) -> str:
    minutes = math.ceil(retry_after / 60)
    return ngettext(
        "Too many attempts at %(action)s from your account or your network in a short time. "
        "Nothing was saved. Try again in %(minutes)d minute.",
        "Too many attempts at %(action)s from your account or your network in a short time. "
        "Nothing was saved. Try again in %(minutes)d minutes.",
        minutes,
    ) % {"action": RateLimit.Action(action).label, "minutes": minutes}


# --- The operators' table -------------------------------------------------------------------


def span(seconds: int) -> str:
    """A window in the largest whole unit: "1 day", "10 minutes", "90 seconds"."""
    units = (
        (86400, lambda n: ngettext("%(count)d day", "%(count)d days", n)),
        (3600, lambda n: ngettext("%(count)d hour", "%(count)d hours", n)),
        (60, lambda n: ngettext("%(count)d minute", "%(count)d minutes", n)),
        (1, lambda n: ngettext("%(count)d second", "%(count)d seconds", n)),
    )
    for size, phrase in units:
        if seconds % size == 0:
            return phrase(seconds // size) % {"count": seconds // size}
    return str(seconds)


def _values(row: RateLimit) -> dict:
    return {
        name: getattr(row, name)
        for name in (
            "action",
            "scope",
            "burst_limit",
            "burst_seconds",
            "sustained_limit",
            "sustained_seconds",
            "enabled",
        )
    }


def _require(actor, permission: str) -> None:
    if not (actor and actor.is_authenticated and actor.is_active and actor.has_perm(permission)):
        raise PermissionDenied(_("Only operators with this permission may do it."))


def _forget_table() -> None:
    """After an operator's change: the table is read again, by this request too."""
    cache.delete(TABLE_KEY)
    stamped.forget_read_ahead(TABLE_KEY)


def save_rate_limit(*, actor, rate_limit: RateLimit) -> RateLimit:
    """Create or change a row of the table; the audit row names what changed."""
    _require(actor, "core.change_ratelimit" if rate_limit.pk else "core.add_ratelimit")
    rate_limit.full_clean()
    with transaction.atomic():
        before = None
        if rate_limit.pk:
            stored = RateLimit.objects.select_for_update().filter(pk=rate_limit.pk).first()
            before = _values(stored) if stored else None
        rate_limit.save()
        after = _values(rate_limit)
        if before is None:
            record_event(actor=actor, action="rate_limit.created", target=rate_limit, data=after)
        else:
            changed = {k: [before[k], v] for k, v in after.items() if before[k] != v}
            if changed:
                record_event(
                    actor=actor, action="rate_limit.changed", target=rate_limit, data=changed
                )
        transaction.on_commit(_forget_table)
    return rate_limit


def delete_rate_limit(*, actor, rate_limit: RateLimit) -> None:
    _require(actor, "core.delete_ratelimit")
    with transaction.atomic():
        record_event(
            actor=actor, action="rate_limit.deleted", target=rate_limit, data=_values(rate_limit)
        )
        rate_limit.delete()
        transaction.on_commit(_forget_table)
