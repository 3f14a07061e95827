"""The slowest on the dashboard: the questions waiting longest without an answer and the experts
with the longest median answer time, among the discussions the viewer oversees; the cost in
queries does not grow with the questions or the experts."""

import datetime

import pytest

from tests.factories import make_discussion, make_staff, make_user
from tests.sign_in import enter
from veche.discussions.models import ExpertAnswer, Submission
from veche.organizations.models import Membership
from veche.reporting.tests.builders import DASHBOARD, add_submission, dashboard_queries

pytestmark = pytest.mark.django_db
Kind = Submission.Kind


@pytest.fixture
def admin(client):
    enter(client, make_user(is_staff=True))
    return client


def answered_after(question, expert, hours):
    ExpertAnswer.objects.create(
        submission=question,
        expert=expert,
        text="Сквер сохраняется.",
        created_at=question.created_at + datetime.timedelta(hours=hours),
    )


def test_questions_waiting_longest_come_first_and_answered_ones_are_left_out(admin):
    discussion = make_discussion(stage="intake")
    newer = add_submission(discussion, kind=Kind.QUESTION, hours_ago=5)
    older = add_submission(discussion, kind=Kind.QUESTION, hours_ago=50)
    answered_after(add_submission(discussion, kind=Kind.QUESTION, hours_ago=90), make_user(), 1)
    assert admin.get(DASHBOARD).context["waiting_questions"] == [older, newer]


def test_experts_with_the_longest_median_come_first(admin):
    discussion = make_discussion(stage="intake")
    slow, quick = make_user(), make_user()
    for hours in (10, 20, 30):
        answered_after(add_submission(discussion, kind=Kind.QUESTION, hours_ago=40), slow, hours)
        answered_after(add_submission(discussion, kind=Kind.QUESTION, hours_ago=40), quick, 1)
    ranked = admin.get(DASHBOARD).context["slow_experts"]
    assert [(s.expert, s.median_hours, s.answered) for s in ranked] == [
        (slow, 20.0, 3),
        (quick, 1.0, 3),
    ]


def test_an_organizer_sees_only_the_slowest_of_their_organization(client):
    own = make_discussion(stage="intake")
    other = make_discussion(stage="intake")
    mine = add_submission(own, kind=Kind.QUESTION, hours_ago=3)
    add_submission(other, kind=Kind.QUESTION, hours_ago=80)
    answered_after(add_submission(other, kind=Kind.QUESTION, hours_ago=80), make_user(), 70)
    enter(client, make_staff(own.organizer, Membership.Role.ORGANIZER))
    context = client.get(DASHBOARD).context
    assert context["waiting_questions"] == [mine]
    assert context["slow_experts"] == []


@pytest.mark.parametrize(
    ("language", "headings"),
    [
        ("en", ("Questions waiting longest", "Experts with the longest median answer time")),
        ("ru", ("Дольше всех ждут ответа", "Эксперты с самым долгим медианным временем ответа")),
    ],
)
def test_the_page_shows_both_lists(admin, language, headings):
    discussion = make_discussion(stage="intake")
    add_submission(discussion, kind=Kind.QUESTION, hours_ago=7)
    expert = make_user("slow.expert@example.org")
    answered_after(add_submission(discussion, kind=Kind.QUESTION, hours_ago=40), expert, 30)
    admin.defaults["HTTP_ACCEPT_LANGUAGE"] = language
    html = admin.get(DASHBOARD).content.decode()
    assert all(heading in html for heading in headings)
    assert "slow.expert@example.org" in html


def _slow_discussion():
    discussion = make_discussion(stage="intake")
    add_submission(discussion, kind=Kind.QUESTION, hours_ago=60)
    answered_after(add_submission(discussion, kind=Kind.QUESTION, hours_ago=60), make_user(), 9)
    return discussion


def test_the_lists_cost_the_same_queries_for_more_questions_and_experts(admin):
    _slow_discussion()
    admin.get(DASHBOARD)  # the first request of a session checks the second factor once
    few = dashboard_queries(admin)
    for _ in range(4):
        _slow_discussion()
    assert dashboard_queries(admin) == few
    assert len(admin.get(DASHBOARD).context["slow_experts"]) == 5
