"""Shedding load: past capacity a request that waited too long for a thread is answered at once
with 503 and Retry-After, so a surge meets short, honest refusals instead of a queue that grows
until every client times out.

The wait is measured by Veche's gunicorn worker (`veche.core.gunicorn_config`), which notes when
each request was queued for a thread of its pool; this middleware reads the note. Under another
server there is no note and nothing is shed.
"""

import sys
import threading
import time

from django.conf import settings
from django.http import HttpResponse
from django.utils.translation import gettext as _

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
            return refusal()
        return self.get_response(request)


def refusal() -> HttpResponse:
    response = HttpResponse(
        _("Veche is very busy right now. Please try again in a few seconds."),
        status=503,
        content_type="text/plain; charset=utf-8",
    )
    response["Retry-After"] = str(settings.VECHE_RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    # An expected answer under a surge, not an error: one log line per refusal would add the
    # cost of logging to an overloaded server.
    response._has_been_logged = True
    return response


def server_error(request):
    """The site's 500 handler (`handler500` in veche/urls.py). A database that cannot be reached
    for a moment (restarting, failing over) is an outage to wait out, not a fault of the page:
    503 with Retry-After, so clients and proxies try again. Anything else is Django's 500."""
    from django.db import InterfaceError, OperationalError
    from django.views import defaults

    if isinstance(sys.exc_info()[1], (OperationalError, InterfaceError)):
        return refusal()
    return defaults.server_error(request)
