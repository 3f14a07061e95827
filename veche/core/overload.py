"""Shedding load: past capacity a request that waited too long for a thread is answered at once
with 503 and Retry-After, so a surge meets short, honest refusals instead of a queue that grows
until every client times out.

The wait is measured by Veche's gunicorn worker (`veche.core.gunicorn_config`), which notes when
each request was queued for a thread of its pool; this middleware reads the note. Under another
server there is no note and nothing is shed.

Each worker process of that configuration counts the requests it let through and those it
turned away, and a thread of its adds them to counters of the minute in the shared cache every
`FLUSH_SECONDS`, in one round trip, with a log line when any were turned away: the operators'
page (*Load turned away*, beside the rate limits in the admin) sums every process of every
machine from them.
"""

import datetime
import logging
import threading
import time
from typing import NamedTuple

from django.conf import settings
from django.core.cache import DEFAULT_CACHE_ALIAS, cache, caches
from django.core.cache.backends.redis import RedisCache

logger = logging.getLogger(__name__)

_request = threading.local()


def note_queued(moment: float | None) -> None:
    """Called by the server, in the thread that is about to run the request: when (by
    `time.monotonic()`) the request joined the queue, or None when it did not wait in one."""
    _request.queued_at = moment


def queued_for() -> float:
    """Seconds the current request waited for a thread (0 when the server does not say)."""
    queued_at = getattr(_request, "queued_at", None)
    return 0.0 if queued_at is None else max(0.0, time.monotonic() - queued_at)


class ShedLoadMiddleware:
    """Answer 503 with Retry-After to a request that waited longer than VECHE_QUEUE_LIMIT_MS:
    its client would be better served trying again than waiting behind the queue."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limit = settings.VECHE_QUEUE_LIMIT_MS
        shed = bool(limit and queued_for() * 1000 > limit)
        _tally.count(shed)
        if shed:
            return refusal(request)
        return self.get_response(request)


# The refusal's body and type, by language, by whether the client asked for JSON or is htmx,
# and by the seconds it names: made once, since a surge asks for thousands of them and each must
# cost next to nothing.
_REFUSALS: dict[tuple, tuple[bytes, str, str]] = {}


def refusal(request):
    """Veche's 503 page (or problem details), asking nothing of the database or the session."""
    from django.http import HttpResponse
    from django.utils.translation import get_language

    from veche.core.errors import problem_response, wants_fragment, wants_json

    seconds = settings.VECHE_RETRY_AFTER_SECONDS
    key = (get_language() or "", wants_json(request), wants_fragment(request), seconds)
    if key not in _REFUSALS:
        # Shed before the view: nothing was carried out, so the page may send it again.
        made = problem_response(request, 503, resend_after=seconds)
        _REFUSALS[key] = (made.content, made["Content-Type"], made["Vary"])
    content, content_type, vary = _REFUSALS[key]
    response = HttpResponse(content, status=503, content_type=content_type)
    response["Retry-After"] = str(seconds)
    response["Cache-Control"] = "no-store"
    response["Vary"] = vary  # what its body depends on, as `problem_response` says
    # An expected answer under a surge, not an error: one log line per refusal would add the
    # cost of logging to an overloaded server.
    response._has_been_logged = True
    return response


# --- What was turned away, for the operators ----------------------------------------------------

FLUSH_SECONDS = 5
# How long the counters of a minute are kept: the page shows the last hour.
KEPT_SECONDS = 2 * 3600


def _key(minute: int, what: str) -> str:
    return f"overload:{minute}:{what}"


class _Tally:
    """This process's counts since it last added them to the shared cache, by the minute each
    request came in. Counted, as requests are shed, only under Veche's gunicorn worker, where a
    thread of its own adds them every `FLUSH_SECONDS` (`start_flushing`): a request pays a lock
    and an addition, never a round trip, and a process gone quiet after a surge still adds its
    last seconds."""

    def __init__(self):
        self._lock = threading.Lock()
        self._minutes: dict[int, list[int]] = {}  # minute -> [answered, shed]
        self._since = time.monotonic()
        self.counting = False

    def count(self, shed: bool) -> None:
        if not self.counting:
            return
        minute = _minute()
        with self._lock:
            counts = self._minutes.get(minute)
            if counts is None:
                counts = self._minutes[minute] = [0, 0]
            counts[1 if shed else 0] += 1

    def flush(self) -> None:
        now = time.monotonic()
        with self._lock:
            minutes, self._minutes = self._minutes, {}
            seconds, self._since = now - self._since, now
        if minutes:
            _add(minutes, seconds)


def _minute() -> int:
    """The minute now, counted from the epoch: the counters' name for it."""
    return int(time.time() // 60)


_tally = _Tally()


def flush_counts() -> None:
    """Add what this process counted to the shared counters now (a worker about to exit)."""
    _tally.flush()


def start_flushing() -> threading.Event:
    """In a worker process of Veche's gunicorn configuration: requests are counted from now on,
    and a thread adds the counts every `FLUSH_SECONDS`. Setting the event returned stops the
    thread, after a last flush."""
    stop = threading.Event()

    def flush_every_few_seconds():
        while not stop.wait(FLUSH_SECONDS):
            _tally.flush()
        _tally.flush()

    _tally.counting = True
    threading.Thread(target=flush_every_few_seconds, name="overload-counts", daemon=True).start()
    return stop


def _add(minutes: dict[int, list[int]], seconds: float) -> None:
    """Add the counts to the counters of their minutes; a cache out of reach loses them rather
    than fail whatever carried them."""
    counts = {}
    for minute, (answered, shed) in minutes.items():
        counts[_key(minute, "answered")] = answered
        counts[_key(minute, "shed")] = shed
    answered = sum(each[0] for each in minutes.values())
    turned_away = sum(each[1] for each in minutes.values())
    if turned_away:
        logger.warning(
            "Turned away %d requests that waited too long for a thread (and let %d through) "
            "in the last %.0f s",
            turned_away,
            answered,
            seconds,
            extra={"shed": turned_away, "answered": answered, "seconds": round(seconds, 1)},
        )
    try:
        backend = caches[DEFAULT_CACHE_ALIAS]  # `cache` is a proxy: its type says nothing
        if isinstance(backend, RedisCache):
            # Django's Redis cache stores an integer as it is, so INCRBY adds to it.
            pipeline = backend._cache.get_client(write=True).pipeline(transaction=False)
            for key, value in counts.items():
                full = backend.make_and_validate_key(key)
                pipeline.incrby(full, value)
                pipeline.expire(full, KEPT_SECONDS)
            pipeline.execute()
            return
        for key, value in counts.items():
            if not cache.add(key, value, KEPT_SECONDS):
                cache.incr(key, value)
    except Exception:
        logger.exception("The counts of requests let through and turned away were not kept")


def percent(part: int, whole: int) -> float:
    return 100 * part / whole if whole else 0.0


class Load(NamedTuple):
    """The last hour's minutes with any request, newest first, and their sums."""

    minutes: list[dict]
    answered: int
    shed: int
    percent: float


def last_hours_load() -> Load:
    """What the operators' page shows (`veche.core.admin`)."""
    minutes = [row for row in last_hour() if row["answered"] or row["shed"]]
    answered = sum(row["answered"] for row in minutes)
    shed = sum(row["shed"] for row in minutes)
    return Load(minutes, answered, shed, percent(shed, answered + shed))


def last_hour(minutes: int = 60) -> list[dict]:
    """The requests let through and turned away in each of the last `minutes` minutes, newest
    first, as far as the processes have added them (each at most `FLUSH_SECONDS` late)."""
    now = _minute()
    wanted = [now - back for back in range(minutes)]
    keys = [_key(minute, what) for minute in wanted for what in ("answered", "shed")]
    found = cache.get_many(keys)
    rows = []
    for minute in wanted:
        answered = int(found.get(_key(minute, "answered"), 0))
        shed = int(found.get(_key(minute, "shed"), 0))
        rows.append(
            {
                "minute": datetime.datetime.fromtimestamp(minute * 60, tz=datetime.UTC),
                "answered": answered,
                "shed": shed,
                "percent": percent(shed, answered + shed),
            }
        )
    return rows
