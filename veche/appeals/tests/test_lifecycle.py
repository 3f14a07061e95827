"""An appeal after dispatch: registration, answers and deadlines, rating, closing, escalation."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from tests.factories import (
    make_organization,
    make_problem,
    make_resident,
    make_staff,
    make_territory,
)
from veche.appeals.models import Answer, Appeal, Problem, Rating, Signature
from veche.appeals.services import (
    answer_appeal,
    close_appeal,
    escalate_appeal,
    forward_appeal,
    rate_answer,
    record_sent_by_author,
    register_appeal,
    send_appeal_now,
    set_under_control,
)
from veche.organizations.models import Membership

pytestmark = pytest.mark.django_db


@pytest.fixture
def district():
    return make_territory("kazan-vakhitovsky")


@pytest.fixture
def city_hall():
    return make_organization("city-hall")


@pytest.fixture
def office(city_hall, district):
    return make_organization("vakhitovsky-office", parent=city_hall, jurisdiction=[district])


@pytest.fixture
def official(office):
    return make_staff(office, Membership.Role.OFFICIAL)


@pytest.fixture
def sent(district, office):
    """An appeal signed by its author and one neighbour, sent by the author."""
    appeal = make_problem(territory=district, organization=office).current_appeal
    from veche.appeals.services import sign_appeal

    sign_appeal(user=make_resident(district), appeal=appeal)
    send_appeal_now(author=appeal.problem.author, appeal=appeal)
    appeal.refresh_from_db()
    return appeal


def arrived_on(appeal: Appeal, day: datetime.date) -> Appeal:
    """The appeal as if it had reached the addressee on `day` (registration cannot be earlier)."""
    moment = datetime.datetime.combine(day, datetime.time(10), timezone.get_current_timezone())
    Appeal.objects.filter(pk=appeal.pk).update(sent_at=moment)
    appeal.refresh_from_db()
    return appeal


def test_registration_sets_the_number_and_a_due_date_thirty_days_on(sent, official):
    arrived_on(sent, datetime.date(2026, 11, 1))
    register_appeal(
        official=official,
        appeal=sent,
        registration_number="КО-123/26",
        registered_on=datetime.date(2026, 11, 2),
    )
    sent.refresh_from_db()
    assert sent.status == Appeal.Status.REGISTERED
    assert sent.registration_number == "КО-123/26"
    assert sent.due_date == datetime.date(2026, 12, 2)


def test_one_extension_only(sent, official):
    # Registered yesterday: the due date has not passed, so it may be extended (once).
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    arrived_on(sent, yesterday)
    register_appeal(
        official=official,
        appeal=sent,
        registration_number="1",
        registered_on=yesterday,
    )
    answer_appeal(
        official=official,
        appeal=sent,
        kind=Answer.Kind.EXTENSION,
        text="Нужна экспертиза покрытия.",
    )
    sent.refresh_from_db()
    assert sent.due_date == yesterday + datetime.timedelta(days=60)
    with pytest.raises(ValidationError):
        answer_appeal(official=official, appeal=sent, kind=Answer.Kind.EXTENSION, text="Ещё.")
    sent.refresh_from_db()
    assert sent.due_date == yesterday + datetime.timedelta(days=60)


def test_an_unanswered_appeal_is_overdue_after_its_due_date(sent, official):
    arrived_on(sent, datetime.date(2026, 9, 30))
    register_appeal(
        official=official,
        appeal=sent,
        registration_number="1",
        registered_on=datetime.date(2026, 10, 1),
    )
    sent.refresh_from_db()
    assert not sent.is_overdue_on(datetime.date(2026, 10, 31))
    assert sent.is_overdue_on(datetime.date(2026, 11, 1))


def test_final_answer_opens_rating_for_signatories_only(sent, official, district):
    register_appeal(official=official, appeal=sent, registration_number="1")
    answer_appeal(
        official=official,
        appeal=sent,
        kind=Answer.Kind.FINAL,
        text="Ремонт двора включён в план на май.",
    )
    sent.refresh_from_db()
    assert sent.status == Appeal.Status.ANSWERED
    assert sent.answered_on_time is True
    assert sent.rating_until - sent.answered_at == datetime.timedelta(days=14)
    signatory = Signature.objects.exclude(user=sent.problem.author).get(appeal=sent).user
    rate_answer(user=signatory, appeal=sent, score=4, comment="Посмотрим в мае.")
    with pytest.raises(ValidationError):
        rate_answer(user=signatory, appeal=sent, score=5)
    with pytest.raises(PermissionDenied):
        rate_answer(user=make_resident(district), appeal=sent, score=1)
    assert Rating.objects.get().score == 4


def test_rating_closes_after_its_window(sent, official):
    register_appeal(official=official, appeal=sent, registration_number="1")
    answer_appeal(official=official, appeal=sent, kind=Answer.Kind.FINAL, text="Сделано.")
    Appeal.objects.filter(pk=sent.pk).update(rating_until=timezone.now() - datetime.timedelta(1))
    with pytest.raises(ValidationError):
        rate_answer(user=sent.problem.author, appeal=Appeal.objects.get(pk=sent.pk), score=5)


def test_forwarding_moves_the_appeal_to_the_competent_organization(sent, official):
    water = make_organization("vodokanal")
    forward_appeal(
        official=official,
        appeal=sent,
        organization=water,
        reason="Вопрос водоотведения относится к Водоканалу.",
    )
    sent.refresh_from_db()
    assert sent.organization == water
    assert sent.status == Appeal.Status.SENT
    assert sent.dispatches.filter(organization=water).exists()
    with pytest.raises(PermissionDenied):
        register_appeal(official=official, appeal=sent, registration_number="2")


def test_officials_of_other_organizations_cannot_act(sent):
    stranger = make_staff(make_organization("elsewhere"), Membership.Role.OFFICIAL)
    with pytest.raises(PermissionDenied):
        register_appeal(official=stranger, appeal=sent, registration_number="x")
    sent.refresh_from_db()
    assert sent.status == Appeal.Status.SENT


def test_head_of_the_parent_takes_the_appeal_under_control(sent, city_hall):
    head = make_staff(city_hall, Membership.Role.HEAD)
    set_under_control(head=head, appeal=sent, under_control=True)
    sent.refresh_from_db()
    assert sent.under_control
    with pytest.raises(PermissionDenied):
        set_under_control(
            head=make_staff(make_organization(), Membership.Role.HEAD),
            appeal=sent,
            under_control=False,
        )


def test_unsolved_appeal_is_escalated_to_the_parent_with_its_history(sent, official, city_hall):
    register_appeal(official=official, appeal=sent, registration_number="1")
    answer_appeal(official=official, appeal=sent, kind=Answer.Kind.FINAL, text="Денег нет.")
    author = sent.problem.author
    close_appeal(author=author, appeal=sent, outcome=Problem.Status.UNSOLVED)
    new = escalate_appeal(author=author, appeal=sent, organization=city_hall)
    sent.refresh_from_db()
    assert sent.status == Appeal.Status.ESCALATED
    assert new.previous == sent
    assert new.organization == city_hall
    assert new.current_revision.text == sent.current_revision.text
    # Old signatories are invited, never carried over: only the author has signed again.
    assert list(new.signatures.values_list("user", flat=True)) == [author.pk]
    assert Problem.objects.get(pk=sent.problem_id).current_appeal == new
    with pytest.raises(ValidationError):
        escalate_appeal(author=author, appeal=sent, organization=city_hall)


def test_a_solved_problem_is_not_escalated(sent, official, city_hall):
    register_appeal(official=official, appeal=sent, registration_number="1")
    answer_appeal(official=official, appeal=sent, kind=Answer.Kind.FINAL, text="Сделано.")
    close_appeal(author=sent.problem.author, appeal=sent, outcome=Problem.Status.SOLVED)
    with pytest.raises(ValidationError):
        escalate_appeal(author=sent.problem.author, appeal=sent, organization=city_hall)


def test_the_author_may_take_the_appeal_himself(district, office):
    appeal = make_problem(territory=district, organization=office).current_appeal
    record_sent_by_author(author=appeal.problem.author, appeal=appeal)
    appeal.refresh_from_db()
    assert appeal.status == Appeal.Status.SENT
    assert appeal.sent_by_author
    assert not appeal.dispatches.exists()


def test_the_page_of_an_escalated_problem_keeps_the_rating_of_the_earlier_answer(
    client, sent, official, city_hall
):
    register_appeal(official=official, appeal=sent, registration_number="1")
    answer_appeal(official=official, appeal=sent, kind=Answer.Kind.FINAL, text="Не наш вопрос.")
    sent.refresh_from_db()
    signatory = Signature.objects.exclude(user=sent.problem.author).get(appeal=sent).user
    rate_answer(user=signatory, appeal=sent, score=2, comment="Отписка.")
    close_appeal(author=sent.problem.author, appeal=sent, outcome=Problem.Status.UNSOLVED)
    escalate_appeal(author=sent.problem.author, appeal=sent, organization=city_hall)
    url = sent.problem.get_absolute_url()
    # While the window is open the average is not shown, so that it sways no one's rating.
    page = client.get(url, headers={"accept-language": "en"}).content.decode()
    assert "(1 rating so far)" in page
    assert "2.0 / 5" not in page
    Appeal.objects.filter(pk=sent.pk).update(rating_until=timezone.now())
    page = client.get(url, headers={"accept-language": "en"}).content.decode()
    assert "Signatories rated the answer 2.0 / 5 (1 rating)." in page
