"""The load turned away, for the operators: each process counts the requests it let through and
those it shed, adds them to the shared counters of the minute, says so in the log, and the
operators who see the rate limits see the last hour (`veche.core.overload`, the admin's *Load
turned away*)."""

import logging
import threading
import time

import pytest
from django.contrib.auth.models import Permission
from django.core.cache import cache
from django.test import Client, RequestFactory
from django.utils import translation

from tests.factories import make_user
from tests.redis_cache import own_redis_cache
from tests.redis_commands import redis_commands
from tests.sign_in import enter
from veche.core import overload

pytestmark = pytest.mark.django_db

LOAD = "/admin/core/ratelimit/load/"


@pytest.fixture(autouse=True)
def _counted_afresh(settings, monkeypatch):
    """Requests counted as under Veche's gunicorn worker, but flushed by the test alone; no
    counter left over."""
    settings.VECHE_QUEUE_LIMIT_MS = 200
    cache.clear()
    monkeypatch.setattr(overload._tally, "counting", True)
    yield
    overload.note_queued(None)
    overload.flush_counts()


def send(answered: int, shed: int) -> None:
    """Requests through the middleware: `shed` of them after a second in the queue."""
    middleware = overload.ShedLoadMiddleware(lambda request: "served")
    for waited in [0.0] * answered + [1.0] * shed:
        overload.note_queued(time.monotonic() - waited)
        middleware(RequestFactory().get("/problems/1/"))
    overload.note_queued(None)


def counted() -> tuple[int, int]:
    """Answered and shed in the shared counters: this minute and the one before, should the
    test cross into a new minute."""
    rows = overload.last_hour(minutes=2)
    return sum(row["answered"] for row in rows), sum(row["shed"] for row in rows)


def test_what_a_process_counted_reaches_the_shared_counters_when_it_flushes():
    send(answered=3, shed=2)
    assert counted() == (0, 0)  # kept in the process until the next flush
    overload.flush_counts()
    assert counted() == (3, 2)
    assert overload.percent(2, 5) == 40.0
    # Added to, not written over: another process, or this one later, adds its own.
    send(answered=1, shed=1)
    overload.flush_counts()
    assert counted() == (4, 3)


def test_each_request_is_counted_in_the_minute_it_came_in(monkeypatch):
    now = overload._minute()
    minute = [now - 1]
    monkeypatch.setattr(overload, "_minute", lambda: minute[0])
    send(answered=2, shed=0)
    minute[0] = now
    send(answered=1, shed=3)
    overload.flush_counts()  # one flush, after the minute turned
    this, before = overload.last_hour(minutes=2)
    assert (before["answered"], before["shed"]) == (2, 0)
    assert (this["answered"], this["shed"]) == (1, 3)


def test_outside_veches_gunicorn_worker_nothing_is_counted(monkeypatch):
    """As nothing is shed there: the development server, a test, another server."""
    monkeypatch.setattr(overload._tally, "counting", False)
    send(answered=2, shed=1)
    overload.flush_counts()
    assert counted() == (0, 0)


def test_under_gunicorn_a_thread_adds_the_counts_and_no_request_does(monkeypatch):
    monkeypatch.setattr(overload._tally, "counting", False)  # as before, after the test
    monkeypatch.setattr(overload, "FLUSH_SECONDS", 0.05)
    stop = overload.start_flushing()
    assert overload._tally.counting
    try:
        writes = []
        add = overload._add
        monkeypatch.setattr(
            overload,
            "_add",
            lambda *counts: writes.append(threading.current_thread()) or add(*counts),
        )
        send(answered=2, shed=1)
        deadline = time.monotonic() + 5
        while counted() != (2, 1) and time.monotonic() < deadline:
            time.sleep(0.02)
        assert counted() == (2, 1)  # with no request since: a process gone quiet still adds
        assert writes and {thread.name for thread in writes} == {"overload-counts"}
    finally:
        stop.set()
    deadline = time.monotonic() + 5
    while any(t.name == "overload-counts" for t in threading.enumerate()):
        assert time.monotonic() < deadline
        time.sleep(0.02)


def test_a_worker_of_veches_gunicorn_configuration_counts_from_its_start(monkeypatch):
    from veche.core import gunicorn_config

    started = []
    monkeypatch.setattr(overload, "start_flushing", lambda: started.append("counting"))
    gunicorn_config.post_worker_init(worker=None)
    assert started == ["counting"]


def test_a_gunicorn_worker_that_exits_adds_what_it_counted():
    from veche.core import gunicorn_config

    send(answered=2, shed=1)
    gunicorn_config.worker_exit(server=None, worker=None)
    assert counted() == (2, 1)


def test_turning_requests_away_is_said_in_the_log_once_a_flush(caplog):
    with caplog.at_level(logging.WARNING, logger="veche.core.overload"):
        send(answered=5, shed=0)
        overload.flush_counts()
        assert caplog.records == []  # nothing turned away, nothing to say
        send(answered=5, shed=3)
        overload.flush_counts()
    [record] = caplog.records
    assert "Turned away 3 requests" in record.getMessage()
    assert (record.shed, record.answered) == (3, 5)


def test_a_cache_out_of_reach_loses_the_counts_and_raises_nothing(monkeypatch, caplog):
    def broken(*args, **kwargs):
        raise ConnectionError("the cache is down")

    monkeypatch.setattr(cache, "add", broken)
    send(answered=1, shed=1)
    with caplog.at_level(logging.ERROR, logger="veche.core.overload"):
        overload.flush_counts()
    assert "were not kept" in caplog.text


def test_on_redis_a_flush_is_one_round_trip_and_the_counters_expire():
    with own_redis_cache("veche-overload-tests") as backend:
        send(answered=4, shed=1)
        backend.get("connected")  # the connection's greeting is not the flush's
        with redis_commands() as sent:
            overload.flush_counts()
        assert len(sent) == 1  # a pipeline: both counters and their lifetimes
        assert counted() == (4, 1)
        client = backend._cache.get_client(write=True)
        [key] = client.keys(f"{backend.key_prefix}:*:shed")
        assert 0 < client.ttl(key) <= overload.KEPT_SECONDS


def operator(*codenames, language="ru"):
    user = make_user(is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    return enter(Client(HTTP_ACCEPT_LANGUAGE=language), type(user).objects.get(pk=user.pk))


def test_an_operator_who_sees_the_rate_limits_sees_the_load_turned_away():
    send(answered=6, shed=2)
    overload.flush_counts()
    client = operator("view_ratelimit")
    changelist = client.get("/admin/core/ratelimit/").content.decode()
    assert f'href="{LOAD}"' in changelist
    page = client.get(LOAD).content.decode()
    # The page's own request was counted after the flush: still in the process.
    with translation.override("ru"):
        assert "За последний час: ответов на запросы 6, отклонено 2 (25,0 %)." in page
    rows = page[page.index("<tbody>") : page.index("</tbody>")]
    assert rows.count("<tr>") == 1  # the one minute with requests
    assert 'value="25.0"' in page
    assert "500 мс" not in page and "200 мс" in page  # the queue's limit as configured
    assert "у каждого процесса свой" in page  # the tests' cache is the process's own
    assert '<div id="site-name"><a href="/admin/">Вече: администрирование</a></div>' in page
    # Back to the rate limits' table, in the breadcrumbs.
    assert '<a href="/admin/core/ratelimit/">Ограничения частоты</a>' in page
    english = operator("view_ratelimit", language="en").get(LOAD).content.decode()
    assert "In the last hour: 6 requests answered, 2 turned away (25.0 %)." in english


def test_the_load_is_hidden_from_staff_without_the_permission_and_from_visitors():
    assert operator("view_outboxmessage").get(LOAD).status_code == 403
    visitor = Client().get(LOAD)
    assert visitor.status_code == 302 and "/admin/login/" in visitor["Location"]
