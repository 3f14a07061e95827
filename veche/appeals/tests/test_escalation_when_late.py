"""An organization that never registers or never answers does not block the author: he may
close the appeal as solved at any time, and escalate it once the addressee is late, with the
missed deadline carried into the new appeal's history."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from tests.factories import make_problem, make_resident, make_staff
from tests.sign_in import enter
from veche.accounts.models import User
from veche.appeals.models import Answer, Appeal, Problem
from veche.appeals.services import (
    answer_appeal,
    close_appeal,
    escalate_appeal,
    register_appeal,
    send_appeal_now,
    sign_appeal,
)
from veche.core.models import AuditEvent
from veche.notifications.models import Notification
from veche.notifications.tests.builders import deliver_events
from veche.organizations.models import Membership

pytestmark = pytest.mark.django_db

Missed = Appeal.MissedDeadline


@pytest.fixture
def official(office):
    return make_staff(office, Membership.Role.OFFICIAL)


@pytest.fixture
def sent(office):
    """An appeal sent by its author, signed by him and a neighbour."""
    problem = make_problem(organization=office)
    appeal = problem.current_appeal
    sign_appeal(user=make_resident(problem.territory), appeal=appeal)
    send_appeal_now(author=problem.author, appeal=appeal)
    appeal.refresh_from_db()
    return appeal


def received_days_ago(appeal: Appeal, days: int) -> Appeal:
    Appeal.objects.filter(pk=appeal.pk).update(
        sent_at=timezone.now() - datetime.timedelta(days=days)
    )
    appeal.refresh_from_db()
    return appeal


def registered_and_due(appeal: Appeal, official, due: datetime.date) -> Appeal:
    register_appeal(official=official, appeal=appeal, registration_number="ВХ-17")
    Appeal.objects.filter(pk=appeal.pk).update(due_date=due)
    appeal.refresh_from_db()
    return appeal


def other_signatory(appeal: Appeal):
    return appeal.signatures.exclude(user=appeal.problem.author).get().user


# --- Escalating when the addressee is late ---------------------------------------------------


def test_an_appeal_not_registered_within_the_registration_days_is_escalated_with_the_fact(
    sent, city_hall, settings
):
    settings.VECHE_REGISTRATION_DAYS = 3
    sent = received_days_ago(sent, 5)
    received_on = timezone.localdate(sent.sent_at)
    new = escalate_appeal(author=sent.problem.author, appeal=sent, organization=city_hall)
    sent.refresh_from_db()
    assert sent.status == Appeal.Status.ESCALATED
    assert sent.missed_deadline == Missed.REGISTRATION
    assert sent.missed_deadline_on == received_on + datetime.timedelta(days=3)
    assert sent.escalated_at is not None
    assert (new.previous, new.organization, new.status) == (
        sent,
        city_hall,
        Appeal.Status.COLLECTING,
    )
    assert Problem.objects.get(pk=sent.problem_id).current_appeal == new
    event = AuditEvent.objects.get(action="appeal.escalated")
    assert event.data["missed_deadline"] == "registration"
    assert event.data["missed_deadline_on"] == sent.missed_deadline_on.isoformat()
    assert event.data["days_late"] == 2


def test_an_appeal_is_not_escalated_while_the_registration_days_last(sent, city_hall, settings):
    settings.VECHE_REGISTRATION_DAYS = 3
    sent = received_days_ago(sent, 3)  # the third day is still the addressee's
    with pytest.raises(ValidationError):
        escalate_appeal(author=sent.problem.author, appeal=sent, organization=city_hall)
    sent.refresh_from_db()
    assert sent.status == Appeal.Status.SENT
    assert not Appeal.objects.filter(previous=sent).exists()


def test_a_registered_appeal_unanswered_by_its_due_date_is_escalated_with_the_fact(
    sent, official, city_hall
):
    due = timezone.localdate() - datetime.timedelta(days=4)
    sent = registered_and_due(sent, official, due)
    answer_appeal(official=official, appeal=sent, kind=Answer.Kind.INTERIM, text="Изучаем.")
    escalate_appeal(author=sent.problem.author, appeal=sent, organization=city_hall)
    sent.refresh_from_db()
    assert (sent.status, sent.missed_deadline, sent.missed_deadline_on) == (
        Appeal.Status.ESCALATED,
        Missed.ANSWER,
        due,
    )


def test_a_registered_appeal_is_not_escalated_before_its_due_date_has_passed(
    sent, official, city_hall
):
    sent = registered_and_due(sent, official, timezone.localdate())
    with pytest.raises(ValidationError):
        escalate_appeal(author=sent.problem.author, appeal=sent, organization=city_hall)
    sent.refresh_from_db()
    assert sent.status == Appeal.Status.REGISTERED


def test_after_an_answer_that_did_not_solve_it_the_escalation_records_no_missed_deadline(
    sent, official, city_hall
):
    register_appeal(official=official, appeal=sent, registration_number="1")
    answer_appeal(official=official, appeal=sent, kind=Answer.Kind.FINAL, text="Денег нет.")
    close_appeal(author=sent.problem.author, appeal=sent, outcome=Problem.Status.PARTLY_SOLVED)
    escalate_appeal(author=sent.problem.author, appeal=sent, organization=city_hall)
    sent.refresh_from_db()
    assert sent.status == Appeal.Status.ESCALATED
    assert (sent.missed_deadline, sent.missed_deadline_on) == ("", None)


@pytest.mark.parametrize("who", ["signatory", "official", "head_above"])
def test_only_the_author_escalates_a_late_appeal(sent, official, city_hall, who):
    sent = received_days_ago(sent, 10)
    person = {
        "signatory": lambda: other_signatory(sent),
        "official": lambda: official,
        "head_above": lambda: make_staff(city_hall, Membership.Role.HEAD),
    }[who]()
    with pytest.raises(PermissionDenied):
        escalate_appeal(author=person, appeal=sent, organization=city_hall)
    sent.refresh_from_db()
    assert sent.status == Appeal.Status.SENT


def test_a_late_appeal_is_escalated_to_another_organization_not_the_same(sent):
    sent = received_days_ago(sent, 10)
    with pytest.raises(ValidationError):
        escalate_appeal(author=sent.problem.author, appeal=sent, organization=sent.organization)


def test_the_late_addressee_cannot_answer_an_appeal_escalated_from_it(sent, official, city_hall):
    sent = registered_and_due(sent, official, timezone.localdate() - datetime.timedelta(days=1))
    escalate_appeal(author=sent.problem.author, appeal=sent, organization=city_hall)
    with pytest.raises(ValidationError):
        answer_appeal(official=official, appeal=sent, kind=Answer.Kind.FINAL, text="Поздно.")


def test_the_late_addressee_and_the_applicants_hear_which_deadline_was_missed(
    sent, official, city_hall
):
    sent = received_days_ago(sent, 10)
    signatory = other_signatory(sent)
    User.objects.filter(pk__in=[official.pk, signatory.pk]).update(preferred_language="en")
    escalate_appeal(author=sent.problem.author, appeal=sent, organization=city_hall)
    deliver_events()
    to_official = Notification.objects.get(user=official, kind="appeal_escalated_while_late")
    assert "did not register the appeal in time" in to_official.body
    assert "City Hall" in to_official.title
    invitation = Notification.objects.get(user=signatory, kind="escalation_invitation")
    assert "did not register the appeal in time" in invitation.body
    assert "was not solved" not in invitation.body


# --- Closing as solved at any time -------------------------------------------------------------


@pytest.mark.parametrize("stage", ["collecting", "sent", "registered"])
def test_the_author_closes_the_appeal_as_solved_before_any_answer(office, official, stage):
    problem = make_problem(organization=office)
    appeal = problem.current_appeal
    if stage != "collecting":
        send_appeal_now(author=problem.author, appeal=appeal)
    if stage == "registered":
        register_appeal(official=official, appeal=appeal, registration_number="2")
    close_appeal(author=problem.author, appeal=appeal, outcome=Problem.Status.SOLVED)
    appeal.refresh_from_db()
    assert (appeal.status, appeal.outcome) == (Appeal.Status.CLOSED, Problem.Status.SOLVED)
    assert Problem.objects.get(pk=problem.pk).status == Problem.Status.SOLVED
    assert AuditEvent.objects.get(action="appeal.closed").data == {
        "outcome": "solved",
        "from": stage,
    }


def test_before_the_answer_the_appeal_is_not_closed_as_unsolved(sent):
    with pytest.raises(ValidationError):
        close_appeal(author=sent.problem.author, appeal=sent, outcome=Problem.Status.UNSOLVED)
    sent.refresh_from_db()
    assert sent.status == Appeal.Status.SENT


def test_a_signatory_does_not_close_the_appeal(sent):
    with pytest.raises(PermissionDenied):
        close_appeal(author=other_signatory(sent), appeal=sent, outcome=Problem.Status.SOLVED)
    sent.refresh_from_db()
    assert sent.status == Appeal.Status.SENT


def test_the_addressee_hears_that_no_answer_is_awaited_when_closed_before_it(sent, official):
    close_appeal(author=sent.problem.author, appeal=sent, outcome=Problem.Status.SOLVED)
    deliver_events()
    assert Notification.objects.filter(user=official, kind="appeal_closed_before_answer").exists()
    signatory = other_signatory(sent)
    assert Notification.objects.filter(user=signatory, kind="appeal_closed").exists()


# --- What the pages show -----------------------------------------------------------------------


def page(client, appeal, user=None):
    if user is not None:
        enter(client, user)
    return client.get(
        appeal.problem.get_absolute_url(), headers={"accept-language": "en"}
    ).content.decode()


def test_the_author_is_offered_escalation_once_the_appeal_is_late(client, sent, settings):
    settings.VECHE_REGISTRATION_DAYS = 3
    author = sent.problem.author
    escalate = f'action="/problems/{sent.problem_id}/escalate/"'
    assert escalate not in page(client, sent, author)
    sent = received_days_ago(sent, 6)
    shown = page(client, sent, author)
    assert escalate in shown
    assert "did not register the appeal in time" in shown
    assert "3 days ago" in shown


def test_a_signatory_is_not_offered_escalation_nor_closing(client, sent):
    sent = received_days_ago(sent, 10)
    shown = page(client, sent, other_signatory(sent))
    assert f'action="/problems/{sent.problem_id}/escalate/"' not in shown
    assert f'action="/problems/{sent.problem_id}/close/"' not in shown


def test_the_author_is_offered_to_close_as_solved_before_the_answer(client, sent):
    shown = page(client, sent, sent.problem.author)
    assert f'action="/problems/{sent.problem_id}/close/"' in shown
    assert "Close as solved" in shown


def test_the_author_escalates_a_late_appeal_from_its_page(client, sent, city_hall):
    sent = received_days_ago(sent, 10)
    enter(client, sent.problem.author)
    response = client.post(f"/problems/{sent.problem_id}/escalate/", {"organization": city_hall.pk})
    assert response.status_code == 302
    sent.refresh_from_db()
    assert sent.status == Appeal.Status.ESCALATED
    assert sent.missed_deadline == Missed.REGISTRATION


def test_the_public_timeline_tells_which_deadline_was_missed_and_where_the_problem_went(
    client, sent, official, city_hall
):
    due = timezone.localdate() - datetime.timedelta(days=4)
    sent = registered_and_due(sent, official, due)
    escalate_appeal(author=sent.problem.author, appeal=sent, organization=city_hall)
    shown = page(client, sent)
    assert f"did not answer by its due date, {due:%-d %B %Y}" in shown
    assert "the author took the problem to City Hall" in shown
