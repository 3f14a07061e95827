"""Officials hear of appeals left unanswered past their due date: once per appeal and day."""

import datetime

import pytest
from django.core import mail
from django.core.management import call_command

from tests.factories import make_appeal, make_organization
from veche.appeals.models import Appeal
from veche.appeals.notices import notify_overdue_appeals
from veche.notifications.models import Notification
from veche.notifications.tests.builders import person

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _tasks_run_immediately(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


TODAY = datetime.date(2026, 11, 20)


@pytest.fixture
def office():
    return make_organization(en="Parks Department")


def overdue_appeal(organization, *, due=TODAY - datetime.timedelta(days=3), **fields):
    fields.setdefault("status", Appeal.Status.REGISTERED)
    return make_appeal(organization=organization, due_date=due, registration_number="P-9", **fields)


def test_officials_of_the_addressee_hear_of_an_overdue_appeal(office):
    official = person(official_of=office)
    elsewhere = person(official_of=make_organization())
    appeal = overdue_appeal(office)
    notify_overdue_appeals(TODAY)
    notice = Notification.objects.get()
    assert notice.user == official
    assert notice.kind == "appeal_overdue"
    assert notice.subject == appeal
    assert "3 days late" in notice.body
    assert not Notification.objects.filter(user=elsewhere).exists()


def test_appeals_not_yet_due_or_already_answered_are_not_overdue(office):
    person(official_of=office)
    overdue_appeal(office, due=TODAY)
    overdue_appeal(office, status=Appeal.Status.ANSWERED)
    overdue_appeal(office, status=Appeal.Status.COLLECTING)
    assert notify_overdue_appeals(TODAY) == []


def test_one_notice_per_appeal_and_day(office):
    official = person(official_of=office)
    overdue_appeal(office)
    overdue_appeal(office)
    assert len(notify_overdue_appeals(TODAY)) == 2
    assert notify_overdue_appeals(TODAY) == []
    assert Notification.objects.filter(user=official).count() == 2
    assert len(notify_overdue_appeals(TODAY + datetime.timedelta(days=1))) == 2


def test_overdue_notice_is_mailed_once(office, django_capture_on_commit_callbacks):
    official = person(official_of=office)
    overdue_appeal(office)
    with django_capture_on_commit_callbacks(execute=True):
        notify_overdue_appeals(TODAY)
        notify_overdue_appeals(TODAY)
    assert [message.to for message in mail.outbox] == [[official.email]]


def test_daily_command_checks_overdue_appeals(office):
    person(official_of=office)
    overdue_appeal(office, due=datetime.date(2020, 1, 1))
    call_command("notify_daily")
    assert Notification.objects.filter(kind="appeal_overdue").count() == 1
