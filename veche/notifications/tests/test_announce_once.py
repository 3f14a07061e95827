"""An event announced under a key (a job that runs every few minutes) is stored once, with one
outbox message, however often it is announced, even by two runs at the same moment."""

import pytest
from django.db.models.query import QuerySet

from tests.factories import make_appeal
from veche.core.models import OutboxMessage
from veche.notifications.models import Event
from veche.notifications.services import EVENT_KIND, announce

pytestmark = pytest.mark.django_db

KEY = "reminder:7:2026-11-03"


def test_a_second_announcement_under_the_same_key_stores_nothing():
    appeal = make_appeal()
    first = announce(subject=appeal, event="registered", key=KEY)
    assert first is not None
    assert announce(subject=appeal, event="registered", key=KEY) is None
    assert announce(subject=appeal, event="registered", key="reminder:7:2026-11-04") is not None
    assert Event.objects.filter(key=KEY).get() == first
    assert OutboxMessage.objects.filter(kind=EVENT_KIND).count() == 2


def test_a_run_that_missed_the_other_runs_event_is_stopped_by_the_constraint(monkeypatch):
    appeal = make_appeal()
    first = announce(subject=appeal, event="registered", key=KEY)
    # The other run committed between this run's look and its insert.
    monkeypatch.setattr(QuerySet, "exists", lambda self: False)
    assert announce(subject=appeal, event="registered", key=KEY) is None
    monkeypatch.undo()
    assert list(Event.objects.all()) == [first]
    assert OutboxMessage.objects.filter(kind=EVENT_KIND).count() == 1


def test_events_without_a_key_are_each_stored():
    appeal = make_appeal()
    announce(subject=appeal, event="registered")
    announce(subject=appeal, event="registered")
    assert Event.objects.count() == 2
