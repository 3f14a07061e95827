"""The 14-day rating window is intact: closing or escalating the appeal does not end it, the
page keeps offering the rating through it, and the organization's score counts every rating
given in it."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from tests.factories import make_problem, make_resident, make_staff
from tests.sign_in import enter
from veche.appeals.models import Answer, Appeal, Problem, Rating
from veche.appeals.ratings import scores
from veche.appeals.services import (
    answer_appeal,
    close_appeal,
    escalate_appeal,
    rate_answer,
    register_appeal,
    send_appeal_now,
    sign_appeal,
)
from veche.organizations.models import Membership

pytestmark = pytest.mark.django_db


@pytest.fixture
def answered(office):
    """An appeal with a final answer, signed by its author and three neighbours."""
    problem = make_problem(organization=office)
    appeal = problem.current_appeal
    for _ in range(3):
        sign_appeal(user=make_resident(problem.territory), appeal=appeal)
    send_appeal_now(author=problem.author, appeal=appeal)
    official = make_staff(office, Membership.Role.OFFICIAL)
    register_appeal(official=official, appeal=appeal, registration_number="1")
    answer_appeal(official=official, appeal=appeal, kind=Answer.Kind.FINAL, text="Сделаем летом.")
    appeal.refresh_from_db()
    return appeal


def neighbours(appeal):
    return [s.user for s in appeal.signatures.exclude(user=appeal.problem.author)]


def test_closing_the_appeal_does_not_end_the_rating_window(answered):
    first, second, _third = neighbours(answered)
    rate_answer(user=first, appeal=answered, score=2)
    close_appeal(author=answered.problem.author, appeal=answered, outcome=Problem.Status.UNSOLVED)
    answered.refresh_from_db()
    assert answered.status == Appeal.Status.CLOSED
    assert answered.rating_open
    rate_answer(user=second, appeal=answered, score=1)
    assert Rating.objects.filter(appeal=answered).count() == 2


def test_closing_as_solved_does_not_end_it_either(answered):
    close_appeal(author=answered.problem.author, appeal=answered, outcome=Problem.Status.SOLVED)
    rate_answer(user=neighbours(answered)[0], appeal=Appeal.objects.get(pk=answered.pk), score=5)
    assert Rating.objects.filter(appeal=answered).count() == 1


def test_escalating_the_appeal_does_not_end_its_rating_window(answered, city_hall):
    author = answered.problem.author
    close_appeal(author=author, appeal=answered, outcome=Problem.Status.UNSOLVED)
    escalate_appeal(author=author, appeal=answered, organization=city_hall)
    answered.refresh_from_db()
    assert answered.status == Appeal.Status.ESCALATED
    rate_answer(user=neighbours(answered)[0], appeal=answered, score=2)
    assert Rating.objects.filter(appeal=answered).count() == 1


def test_the_window_still_closes_on_its_day_whatever_the_status(answered):
    close_appeal(author=answered.problem.author, appeal=answered, outcome=Problem.Status.UNSOLVED)
    Appeal.objects.filter(pk=answered.pk).update(rating_until=timezone.now())
    with pytest.raises(ValidationError):
        rate_answer(
            user=neighbours(answered)[0], appeal=Appeal.objects.get(pk=answered.pk), score=3
        )
    assert not Rating.objects.exists()


def test_an_appeal_closed_as_solved_before_any_answer_is_not_rated(office):
    problem = make_problem(organization=office)
    appeal = problem.current_appeal
    send_appeal_now(author=problem.author, appeal=appeal)
    close_appeal(author=problem.author, appeal=appeal, outcome=Problem.Status.SOLVED)
    appeal.refresh_from_db()
    assert not appeal.rating_open
    with pytest.raises(ValidationError):
        rate_answer(user=problem.author, appeal=appeal, score=5)


def test_the_score_counts_every_rating_given_in_the_window_after_closing_and_escalating(
    answered, city_hall, office
):
    first, second, third = neighbours(answered)
    author = answered.problem.author
    rate_answer(user=first, appeal=answered, score=1)
    close_appeal(author=author, appeal=answered, outcome=Problem.Status.UNSOLVED)
    rate_answer(user=second, appeal=Appeal.objects.get(pk=answered.pk), score=2)
    escalate_appeal(author=author, appeal=answered, organization=city_hall)
    rate_answer(user=third, appeal=Appeal.objects.get(pk=answered.pk), score=3)
    [score] = scores([office])
    assert (score.ratings, score.average) == (3, 2.0)


def test_an_appeal_escalated_as_overdue_counts_as_not_answered_on_time(office, city_hall):
    problem = make_problem(organization=office)
    appeal = problem.current_appeal
    send_appeal_now(author=problem.author, appeal=appeal)
    Appeal.objects.filter(pk=appeal.pk).update(sent_at=timezone.now() - datetime.timedelta(days=20))
    [before] = scores([office])
    escalate_appeal(
        author=problem.author, appeal=Appeal.objects.get(pk=appeal.pk), organization=city_hall
    )
    [after] = scores([office])
    # Unregistered for 20 days, it was overdue before the escalation already (one definition
    # of overdue, `policy.overdue_q`); escalating keeps the miss counted rather than wiping it.
    assert (before.overdue_now, before.deadlines, before.on_time_share) == (1, 1, 0.0)
    assert (after.answered, after.missed, after.judged, after.on_time_share) == (0, 1, 1, 0.0)
    assert after.score == before.score


# --- The page ---------------------------------------------------------------------------------


def page(client, appeal, user):
    enter(client, user)
    return client.get(
        appeal.problem.get_absolute_url(), headers={"accept-language": "en"}
    ).content.decode()


def test_the_page_keeps_offering_the_rating_after_the_appeal_is_closed(client, answered):
    close_appeal(author=answered.problem.author, appeal=answered, outcome=Problem.Status.UNSOLVED)
    shown = page(client, answered, neighbours(answered)[0])
    assert f'action="/problems/{answered.problem_id}/rate/"' in shown


def test_the_close_form_says_that_closing_keeps_the_rating_open(client, answered):
    shown = page(client, answered, answered.problem.author)
    assert f'action="/problems/{answered.problem_id}/close/"' in shown
    assert "Closing does not end the rating" in shown


def test_a_signatory_rates_the_earlier_answer_from_the_page_after_an_escalation(
    client, answered, city_hall
):
    author = answered.problem.author
    close_appeal(author=author, appeal=answered, outcome=Problem.Status.UNSOLVED)
    new = escalate_appeal(author=author, appeal=answered, organization=city_hall)
    neighbour = neighbours(answered)[0]
    shown = page(client, answered, neighbour)
    assert "The answer of" in shown and "to the previous appeal" in shown
    assert f'name="appeal" value="{answered.pk}"' in shown
    response = client.post(
        f"/problems/{answered.problem_id}/rate/",
        {"score": 2, "comment": "Отписка.", "appeal": answered.pk},
    )
    assert response.status_code == 302
    assert Rating.objects.get(user=neighbour).appeal_id == answered.pk
    assert not Rating.objects.filter(appeal=new).exists()


def test_a_person_who_did_not_sign_the_earlier_appeal_cannot_rate_it(client, answered, city_hall):
    author = answered.problem.author
    close_appeal(author=author, appeal=answered, outcome=Problem.Status.UNSOLVED)
    escalate_appeal(author=author, appeal=answered, organization=city_hall)
    stranger = make_resident(answered.problem.territory)
    shown = page(client, answered, stranger)
    assert f'action="/problems/{answered.problem_id}/rate/"' not in shown
    client.post(f"/problems/{answered.problem_id}/rate/", {"score": 5, "appeal": answered.pk})
    assert not Rating.objects.exists()
