"""Support goes on after the dispatch: signing stays open until the final answer, and the
signatures given since reach the addressee in supplementary lists at each doubling and with the
first reminder of an overdue answer, the answer's due date unchanged."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from tests.factories import make_problem, make_resident, make_staff, make_territory
from veche.appeals.models import Answer, Appeal, Signature, SupplementaryList
from veche.appeals.services import (
    answer_appeal,
    close_appeal,
    forward_appeal,
    record_sent_by_author,
    register_appeal,
    send_lists_with_reminders,
    sign_appeal,
    withdraw_signature,
)
from veche.core.models import AuditEvent, OutboxMessage

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _tasks_are_queued(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


@pytest.fixture
def district():
    return make_territory("kazan-vakhitovsky", en="Vakhitovsky District")


@pytest.fixture
def appeal(district):
    """Sent at its threshold of 2: the author and one neighbour."""
    appeal = make_problem(territory=district, threshold=2).current_appeal
    sign_appeal(user=make_resident(district), appeal=appeal)
    appeal.refresh_from_db()
    assert appeal.status == Appeal.Status.SENT
    return appeal


def sign(appeal, district, count=1):
    people = [make_resident(district) for _ in range(count)]
    for person in people:
        sign_appeal(user=person, appeal=Appeal.objects.get(pk=appeal.pk))
    appeal.refresh_from_db()
    return people


def test_the_addressee_has_received_the_support_it_was_sent_with(appeal):
    assert appeal.support_sent == 2


def test_a_signature_after_the_dispatch_is_accepted_and_counted(appeal, district):
    [person] = sign(appeal, district)
    assert appeal.signature_count == 3
    signature = Signature.objects.get(appeal=appeal, user=person)
    assert signature.after_dispatch
    assert signature.supplementary_list is None  # not doubled yet: waits for the next list


def test_a_registered_appeal_takes_signatures(appeal, district):
    official = make_staff(appeal.organization)
    register_appeal(official=official, appeal=appeal, registration_number="12-345")
    sign(appeal, district)
    assert appeal.signature_count == 3


@pytest.mark.parametrize(
    ("language", "reason"), [("en", "final answer"), ("ru", "окончательный ответ")]
)
def test_signing_is_refused_after_the_final_answer_with_the_reason(
    appeal, district, language, reason
):
    official = make_staff(appeal.organization)
    register_appeal(official=official, appeal=appeal, registration_number="12-345")
    answer_appeal(official=official, appeal=appeal, kind=Answer.Kind.FINAL, text="Починим.")
    with translation.override(language), pytest.raises(ValidationError, match=reason):
        sign_appeal(user=make_resident(district), appeal=Appeal.objects.get(pk=appeal.pk))
    appeal.refresh_from_db()
    assert appeal.signature_count == 2


def test_signing_is_refused_once_the_appeal_is_closed(appeal, district):
    close_appeal(author=appeal.problem.author, appeal=appeal, outcome="solved")
    with translation.override("en"), pytest.raises(ValidationError, match="closed"):
        sign_appeal(user=make_resident(district), appeal=Appeal.objects.get(pk=appeal.pk))


def test_an_appeal_the_author_sent_himself_takes_no_more_signatures(district):
    appeal = make_problem(territory=district, threshold=5).current_appeal
    record_sent_by_author(author=appeal.problem.author, appeal=appeal)
    with translation.override("en"), pytest.raises(ValidationError, match="himself"):
        sign_appeal(user=make_resident(district), appeal=Appeal.objects.get(pk=appeal.pk))


def test_no_list_is_sent_before_the_support_doubles(appeal, district):
    sign(appeal, district)
    assert not SupplementaryList.objects.exists()


def test_the_doubling_sends_one_list_of_the_new_signatures_numbered_on(appeal, district):
    people = sign(appeal, district, 2)
    [supplementary] = SupplementaryList.objects.filter(appeal=appeal)
    assert (supplementary.number, supplementary.count, supplementary.support) == (1, 2, 4)
    assert (supplementary.first_number, supplementary.last_number) == (3, 4)
    assert supplementary.reason == SupplementaryList.Reason.GROWTH
    assert supplementary.recipient == appeal.organization.dispatch_email
    listed = set(supplementary.signatures.values_list("user", flat=True))
    assert listed == {person.pk for person in people}
    assert appeal.support_sent == 4


def test_the_next_list_waits_for_the_next_doubling(appeal, district):
    sign(appeal, district, 2)  # 4: the first list
    sign(appeal, district, 3)  # 7
    assert SupplementaryList.objects.filter(appeal=appeal).count() == 1
    sign(appeal, district)  # 8 = 2 × 4
    second = SupplementaryList.objects.get(appeal=appeal, number=2)
    assert (second.first_number, second.count) == (5, 4)


def test_the_factor_is_a_setting(appeal, district, settings):
    settings.VECHE_SUPPLEMENTARY_FACTOR = 3
    sign(appeal, district, 3)  # 5 < 3 × 2
    assert not SupplementaryList.objects.exists()
    sign(appeal, district)  # 6
    assert SupplementaryList.objects.get().count == 4


def test_the_list_is_a_letter_in_the_outbox_and_an_audit_row(appeal, district):
    sign(appeal, district, 2)
    supplementary = SupplementaryList.objects.get()
    message = OutboxMessage.objects.get(kind="appeals.supplementary_list")
    assert message.target_id == supplementary.pk
    event = AuditEvent.objects.get(action="appeal.supplementary_list_sent")
    assert event.data["signatures"] == 2
    assert event.data["reason"] == "growth"


def test_a_list_does_not_change_the_answer_due_date(appeal, district):
    official = make_staff(appeal.organization)
    register_appeal(official=official, appeal=appeal, registration_number="12-345")
    appeal.refresh_from_db()
    due = appeal.due_date
    sign(appeal, district, 2)
    assert SupplementaryList.objects.filter(appeal=appeal).exists()
    assert appeal.due_date == due
    assert appeal.status == Appeal.Status.REGISTERED


def test_a_signature_not_yet_sent_may_be_withdrawn(appeal, district):
    [person] = sign(appeal, district)
    withdraw_signature(user=person, appeal=appeal)
    appeal.refresh_from_db()
    assert appeal.signature_count == 2


def test_a_signature_sent_in_a_list_cannot_be_withdrawn(appeal, district):
    person, _ = sign(appeal, district, 2)
    with translation.override("en"), pytest.raises(ValidationError, match="reached the addressee"):
        withdraw_signature(user=person, appeal=appeal)


def test_a_signature_sent_with_the_appeal_cannot_be_withdrawn(appeal):
    with translation.override("en"), pytest.raises(ValidationError, match="reached the addressee"):
        withdraw_signature(user=appeal.problem.author, appeal=appeal)


def test_the_first_reminder_of_an_overdue_answer_carries_the_signatures_given_since(
    appeal, district
):
    official = make_staff(appeal.organization)
    register_appeal(official=official, appeal=appeal, registration_number="12-345")
    sign(appeal, district)  # 3: no doubling
    late = appeal.due_date + datetime.timedelta(days=1)
    [supplementary] = send_lists_with_reminders(late)
    assert (supplementary.reason, supplementary.count, supplementary.first_number) == (
        SupplementaryList.Reason.REMINDER,
        1,
        3,
    )
    # Once: a later reminder carries nothing more, even with new signatures.
    sign(appeal, district)
    assert send_lists_with_reminders(late + datetime.timedelta(days=1)) == []


def test_no_reminder_list_while_the_answer_is_not_late(appeal, district):
    official = make_staff(appeal.organization)
    register_appeal(official=official, appeal=appeal, registration_number="12-345")
    sign(appeal, district)
    assert send_lists_with_reminders(timezone.localdate()) == []


def test_the_daily_round_includes_the_reminder_lists():
    from veche.notifications.registry import DAILY

    assert "appeals.supplementary_lists" in DAILY


def test_a_forwarding_gives_the_new_addressee_every_signature(appeal, district):
    from tests.factories import make_organization

    [person] = sign(appeal, district)
    official = make_staff(appeal.organization)
    forward_appeal(
        official=official,
        appeal=appeal,
        organization=make_organization(jurisdiction=[district]),
        reason="Не наша компетенция.",
    )
    appeal.refresh_from_db()
    assert appeal.support_sent == 3
    assert not Signature.objects.get(appeal=appeal, user=person).after_dispatch
