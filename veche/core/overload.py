"""Shedding load: past capacity a request that waited too long for a thread is answered at once
with 503 and Retry-After, so a surge meets short, honest refusals instead of a queue that grows
until every client times out.

The wait is measured by Veche's gunicorn worker (`veche.core.gunicorn_config`), which notes when
each request was queued for a thread of its pool; this middleware reads the note. Under another
server there is no note and nothing is shed.
"""

import threading
import time

from django.conf import settings

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
        if limit and queued_for() * 1000 > limit:
            return refusal(request)
        return self.get_response(request)


# The refusal's body and type, by language, by whether the client asked for JSON or is htmx,
# and by the seconds it names: made once, since a surge asks for thousands of them and each must
# cost next to nothing.
_REFUSALS: dict[tuple, tuple[bytes, str]] = {}


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
        _REFUSALS[key] = (made.content, made["Content-Type"])
    content, content_type = _REFUSALS[key]
    response = HttpResponse(content, status=503, content_type=content_type)
    response["Retry-After"] = str(seconds)
    response["Cache-Control"] = "no-store"
    # An expected answer under a surge, not an error: one log line per refusal would add the
    # cost of logging to an overloaded server.
    response._has_been_logged = True
    return response
