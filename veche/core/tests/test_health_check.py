"""A kept PostgreSQL connection is checked before a request's first query without a round trip:
a good idle connection sends nothing, one the server ended is found out and replaced, so the
request that follows a restart gets a new connection rather than an error."""

import pytest
from django.db import connection, connections
from django.db.backends.postgresql import base as django_backend

from tests.concurrency import ONLY_POSTGRESQL

pytestmark = [ONLY_POSTGRESQL, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def kept():
    """A connection of its own, as a gunicorn thread keeps one from request to request."""
    wrapper = connections.create_connection("default")
    wrapper.ensure_connection()
    yield wrapper
    wrapper.close()


@pytest.fixture
def queried_checks(monkeypatch):
    """The health checks that sent Django's `SELECT 1`."""
    sent = []
    real = django_backend.DatabaseWrapper.is_usable

    def counted(self):
        sent.append(self)
        return real(self)

    monkeypatch.setattr(django_backend.DatabaseWrapper, "is_usable", counted)
    return sent


def backend_pid(wrapper) -> int:
    with wrapper.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def new_request(wrapper) -> None:
    """What Django does between two requests, then the next request's check."""
    wrapper.close_if_unusable_or_obsolete()
    wrapper.close_if_health_check_failed()


def test_a_good_idle_connection_is_kept_without_a_query(kept, queried_checks):
    assert kept.settings_dict["ENGINE"] == "veche.core.postgresql"
    pid = backend_pid(kept)
    new_request(kept)
    assert queried_checks == []
    assert kept.connection is not None
    assert backend_pid(kept) == pid  # the same connection served the next request


def test_a_connection_the_server_ended_is_replaced_before_the_next_query(kept, queried_checks):
    pid = backend_pid(kept)
    with connection.cursor() as cursor:  # as a restart or an administrator would
        # Waits (up to 5 s) until the server process is gone, as after a restart.
        cursor.execute("SELECT pg_terminate_backend(%s, 5000)", [pid])
    new_request(kept)
    assert queried_checks  # the socket had the server's last words: it was asked, and failed
    assert kept.connection is None  # closed, to be opened anew by the next query
    assert backend_pid(kept) != pid


def test_a_connection_inside_a_transaction_is_asked(kept, queried_checks):
    kept.set_autocommit(False)
    try:
        backend_pid(kept)
        assert kept.is_usable()
        assert queried_checks == [kept]
    finally:
        kept.rollback()
        kept.set_autocommit(True)


def test_a_socket_poll_cannot_look_at_is_asked_rather_than_dropped(
    kept, queried_checks, monkeypatch
):
    """Whatever keeps the socket from being looked at, the server is asked: a good connection is
    never closed for it (closing would repeat on every request)."""
    from veche.core.postgresql import base

    class Unwatchable:
        def register(self, *args):
            raise ValueError("filedescriptor out of range")

    pid = backend_pid(kept)
    monkeypatch.setattr(base.select, "poll", Unwatchable)
    new_request(kept)
    assert queried_checks == [kept]
    assert backend_pid(kept) == pid
