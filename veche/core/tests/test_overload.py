"""Load shedding: a request that waited too long for a thread is answered 503 with Retry-After
at once; one that did not wait, or under a server that does not say, is served."""

import socket
import time
from types import SimpleNamespace

import pytest
from django.test import RequestFactory

from veche.core import errors, overload
from veche.core.gunicorn_config import QueueTimingWorker
from veche.core.scheduling import ReadsFirstQueue

pytestmark = pytest.mark.django_db


@pytest.fixture
def middleware():
    return overload.ShedLoadMiddleware(lambda request: "served")


@pytest.fixture(autouse=True)
def _forget_the_note():
    yield
    overload.note_queued(None)


def test_a_request_that_waited_past_the_limit_is_answered_503_with_retry_after(
    settings, middleware
):
    settings.VECHE_QUEUE_LIMIT_MS = 200
    settings.VECHE_RETRY_AFTER_SECONDS = 7
    overload.note_queued(time.monotonic() - 0.5)
    response = middleware(RequestFactory().get("/problems/1/"))
    assert response.status_code == 503
    assert response["Retry-After"] == "7"
    assert response["Cache-Control"] == "no-store"
    # Its words depend on these, as every refusal's do (`errors.problem_response`).
    assert response["Vary"] == "Accept, HX-Request, HX-Boosted"


def test_a_request_that_waited_less_is_served(settings, middleware):
    settings.VECHE_QUEUE_LIMIT_MS = 200
    overload.note_queued(time.monotonic() - 0.05)
    assert middleware(RequestFactory().get("/")) == "served"


def test_without_a_note_from_the_server_nothing_is_shed(settings, middleware):
    settings.VECHE_QUEUE_LIMIT_MS = 1
    overload.note_queued(None)
    assert middleware(RequestFactory().get("/")) == "served"


def test_a_limit_of_zero_turns_shedding_off(settings, middleware):
    settings.VECHE_QUEUE_LIMIT_MS = 0
    overload.note_queued(time.monotonic() - 60)
    assert middleware(RequestFactory().get("/")) == "served"


def test_the_middleware_is_installed_before_the_pages_do_any_work(settings):
    order = settings.MIDDLEWARE
    shed = order.index("veche.core.overload.ShedLoadMiddleware")
    assert shed < order.index("django.contrib.sessions.middleware.SessionMiddleware")
    assert order.index("veche.core.middleware.RequestIdMiddleware") < shed


class _Connection:
    veche_queued_at = None
    parser = None
    initialized = True
    data_ready = False


def test_the_worker_notes_when_a_request_joined_the_queue(monkeypatch):
    """Veche's gunicorn worker stamps a connection when it is queued for a thread and hands
    the stamp to the thread that runs it, which the middleware then reads."""
    from gunicorn.workers.gthread import ThreadWorker

    seen = {}
    monkeypatch.setattr(ThreadWorker, "enqueue_req", lambda self, conn: None)
    monkeypatch.setattr(
        ThreadWorker,
        "handle_request",
        lambda self, req, conn: seen.update(waited=overload.queued_for()),
    )
    worker = QueueTimingWorker.__new__(QueueTimingWorker)
    worker.veche_queue = ReadsFirstQueue()
    worker.cfg = SimpleNamespace(is_ssl=False, keepalive=5)
    connection = _Connection()
    server, client = socket.socketpair()
    connection.sock = server
    with server, client:
        worker.enqueue_req(connection)
    connection.veche_queued_at -= 0.3  # as if it waited 0.3 s for a thread
    worker.handle_request(None, connection)
    assert 0.3 <= seen["waited"] < 1
    assert overload.queued_for() == 0  # the thread forgets it after the request


def _answer_to(error: Exception):
    try:
        raise error
    except Exception:
        return errors.server_error(RequestFactory().get("/problems/1/sign/"))


def test_a_database_out_of_reach_is_answered_503_with_retry_after():
    from django.db import OperationalError

    response = _answer_to(OperationalError("the server closed the connection unexpectedly"))
    assert response.status_code == 503
    assert "Retry-After" in response


def test_any_other_failure_is_still_a_server_error():
    response = _answer_to(ValueError("a bug"))
    assert response.status_code == 500
    assert "Retry-After" not in response


def test_the_site_answers_failures_through_it():
    from veche import urls

    assert urls.handler500 == "veche.core.errors.server_error"


def test_the_refusal_is_veches_503_page_in_the_language_of_the_request(settings, middleware):
    from django.utils import translation

    settings.VECHE_QUEUE_LIMIT_MS = 100
    overload.note_queued(time.monotonic() - 1)
    with translation.override("en"):
        english = middleware(RequestFactory().get("/"))
    with translation.override("ru"):
        russian = middleware(RequestFactory().get("/"))
    json = middleware(RequestFactory().get("/api/v1/problems/", HTTP_ACCEPT="application/json"))
    assert "Veche is very busy right now" in english.content.decode()
    assert "Вече" in russian.content.decode()
    assert json["Content-Type"] == "application/problem+json"
    assert all(r.status_code == 503 and r["Retry-After"] for r in (english, russian, json))


def test_an_htmx_request_shed_is_told_that_the_page_sends_it_again(settings, middleware):
    from django.utils import translation

    settings.VECHE_QUEUE_LIMIT_MS = 100
    overload.note_queued(time.monotonic() - 1)
    htmx = RequestFactory().post("/problems/1/sign/", HTTP_HX_REQUEST="true")
    with translation.override("ru"):
        settings.VECHE_RETRY_AFTER_SECONDS = 3
        first = middleware(htmx)
        settings.VECHE_RETRY_AFTER_SECONDS = 9
        second = middleware(htmx)
        page = middleware(RequestFactory().post("/problems/1/sign/"))
    fragment = first.content.decode()
    # A fragment for veche.js to show by the form, not a page htmx would not show at all.
    assert "<html" not in fragment
    assert 'data-resend-after="3"' in fragment
    assert "отправит его снова сама" in fragment
    assert "data-gave-up=" in fragment
    # The seconds named follow the setting, though the refusal is made once and kept.
    assert 'data-resend-after="9"' in second.content.decode()
    assert (first["Retry-After"], second["Retry-After"]) == ("3", "9")
    assert "<html" in page.content.decode() and "data-resend-after" not in page.content.decode()
