"""Races around a late appeal, pressed at once: the author escalating while the official
answers, an escalation pressed from many tabs, two heads taking control together. On PostgreSQL
the presses run in parallel threads released together, so the appeal's row lock is what keeps
the result right; SQLite serialises every write, so there they run one after another and the
same assertions hold (`tests.concurrency`)."""

import datetime

import pytest
from django.utils import timezone

from tests.concurrency import at_once
from tests.factories import make_organization, make_problem, make_staff
from veche.appeals.models import Answer, Appeal, ControlPeriod
from veche.appeals.services import (
    answer_appeal,
    escalate_appeal,
    register_appeal,
    send_appeal_now,
    set_under_control,
)
from veche.core.models import AuditEvent
from veche.organizations.models import Membership

pytestmark = pytest.mark.django_db(transaction=True)
Role = Membership.Role


@pytest.fixture(autouse=True)
def _no_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


@pytest.fixture
def late():
    """A registered appeal whose due date passed yesterday, its office's official, and the
    city hall above the office."""
    city_hall = make_organization("city-hall")
    office = make_organization("district-office", parent=city_hall)
    official = make_staff(office, Role.OFFICIAL)
    problem = make_problem(organization=office)
    appeal = problem.current_appeal
    send_appeal_now(author=problem.author, appeal=appeal)
    register_appeal(official=official, appeal=appeal, registration_number="ВХ-1")
    Appeal.objects.filter(pk=appeal.pk).update(
        due_date=timezone.localdate() - datetime.timedelta(days=1)
    )
    return Appeal.objects.get(pk=appeal.pk), official, city_hall


def test_an_escalation_and_a_late_final_answer_at_once_leave_one_consistent_outcome(late):
    appeal, official, city_hall = late
    author = appeal.problem.author
    outcomes = at_once(
        lambda act: act(),
        [
            lambda: escalate_appeal(
                author=author, appeal=Appeal.objects.get(pk=appeal.pk), organization=city_hall
            ),
            lambda: answer_appeal(
                official=official,
                appeal=Appeal.objects.get(pk=appeal.pk),
                kind=Answer.Kind.FINAL,
                text="Ремонт выполнен.",
            ),
        ],
    )
    assert outcomes == {"done": 1, "refused": 1}
    appeal.refresh_from_db()
    answered = Answer.objects.filter(appeal=appeal, kind=Answer.Kind.FINAL).exists()
    escalated = Appeal.objects.filter(previous=appeal).exists()
    assert answered != escalated
    if escalated:
        assert (appeal.status, appeal.missed_deadline) == (Appeal.Status.ESCALATED, "answer")
    else:
        assert (appeal.status, appeal.missed_deadline) == (Appeal.Status.ANSWERED, "")


def test_an_escalation_pressed_in_many_tabs_makes_one_new_appeal(late):
    appeal, _official, city_hall = late
    author = appeal.problem.author
    presses = 8
    outcomes = at_once(
        lambda _: escalate_appeal(
            author=author, appeal=Appeal.objects.get(pk=appeal.pk), organization=city_hall
        ),
        range(presses),
    )
    assert outcomes == {"done": 1, "refused": presses - 1}
    assert Appeal.objects.filter(previous=appeal).count() == 1
    assert AuditEvent.objects.filter(action="appeal.escalated").count() == 1


def test_two_heads_taking_control_at_once_open_one_period(late):
    appeal, _official, city_hall = late
    heads = [make_staff(city_hall, Role.HEAD) for _ in range(6)]
    outcomes = at_once(
        lambda head: set_under_control(
            head=head, appeal=Appeal.objects.get(pk=appeal.pk), under_control=True
        ),
        heads,
    )
    assert outcomes == {"done": 1, "refused": 5}
    assert ControlPeriod.objects.filter(appeal=appeal, lifted_at__isnull=True).count() == 1
    assert AuditEvent.objects.filter(action="appeal.under_control").count() == 1
