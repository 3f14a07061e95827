"""Each row counts submissions, participants, what awaits a recommendation and what waits for the
experts, flags what is overdue, and the page costs the same queries for 3 rows or 12."""

import datetime

import pytest
from django.utils import timezone

from tests.factories import make_discussion, make_user, set_fields
from tests.sign_in import enter
from veche.discussions.models import Discussion, Submission
from veche.reporting.tests.builders import (
    DASHBOARD,
    add_submission,
    answer,
    dashboard_queries,
    overdue_protocol,
    rows_of,
    signed,
)

pytestmark = pytest.mark.django_db
Kind = Submission.Kind
today = timezone.localdate
DAY = datetime.timedelta(days=1)


@pytest.fixture
def admin(client):
    enter(client, make_user(is_staff=True))
    return client


def row_for(client, discussion):
    return rows_of(client.get(DASHBOARD))[discussion.pk]


def test_submissions_and_participants_are_counted_without_hidden_ones(admin):
    discussion = make_discussion(stage="intake")
    resident = make_user()
    add_submission(discussion, author=resident)
    add_submission(discussion, author=resident, kind=Kind.REMARK)  # the same participant
    add_submission(discussion)  # another account
    add_submission(discussion, hidden=True)  # hidden by moderation: not counted at all
    row = row_for(admin, discussion)
    assert (row.submissions, row.participants) == (3, 2)


def test_participants_on_paper_and_legal_entities_are_told_apart_as_the_protocol_does(admin):
    discussion = make_discussion(stage="intake")
    petrov = {"full_name": "Петров Пётр Петрович", "birthdate": "1970-01-01"}
    add_submission(discussion, paper=True, participant=petrov)
    add_submission(discussion, paper=True, participant=petrov)  # the same person again
    add_submission(discussion, paper=True, participant=petrov | {"birthdate": "1990-05-05"})
    company = {"legal_name": "ООО «Застройщик»", "ogrn": "1021602843470"}
    add_submission(discussion, as_legal_entity=True, participant=company)
    add_submission(discussion, as_legal_entity=True, participant=company)  # another employee
    row = row_for(admin, discussion)
    assert (row.submissions, row.participants) == (5, 3)


def test_submissions_without_a_recommendation_are_counted(admin):
    discussion = make_discussion(stage="intake")
    add_submission(discussion, recommendation=Submission.Recommendation.ACCEPTED)
    add_submission(discussion)
    add_submission(discussion, kind=Kind.QUESTION)
    assert row_for(admin, discussion).unreviewed == 2


def test_questions_waiting_are_those_without_an_answer_and_the_oldest_is_shown(admin):
    discussion = make_discussion(stage="intake")
    answered = add_submission(discussion, kind=Kind.QUESTION, hours_ago=80)
    answer(answered)
    answer(answered)  # a second answer must not count the question twice
    oldest = add_submission(discussion, kind=Kind.QUESTION, hours_ago=30)
    add_submission(discussion, kind=Kind.QUESTION, hours_ago=2)
    add_submission(discussion)  # a proposal is not a question
    row = row_for(admin, discussion)
    assert row.questions_waiting == 2
    assert row.oldest_waiting_since == oldest.created_at


def test_questions_are_overdue_after_the_reminder_period(admin, settings):
    settings.VECHE_EXPERT_REMINDER_HOURS = 48
    discussion = make_discussion(stage="intake")
    add_submission(discussion, kind=Kind.QUESTION, hours_ago=47)
    assert row_for(admin, discussion).questions_overdue == 0
    add_submission(discussion, kind=Kind.QUESTION, hours_ago=49)
    add_submission(discussion, kind=Kind.QUESTION, hours_ago=100)
    row = row_for(admin, discussion)
    assert row.questions_overdue == 2
    assert row.has_problems


def test_questions_cannot_be_late_once_the_protocol_is_signed(admin):
    discussion = make_discussion(stage="review")
    add_submission(discussion, kind=Kind.QUESTION, hours_ago=500)
    signed(discussion)
    row = row_for(admin, discussion)
    assert row.questions_waiting == 1
    assert row.questions_overdue == 0


def test_the_protocol_is_overdue_the_day_after_it_was_due(admin):
    discussion = make_discussion(stage="review")
    set_fields(discussion, protocol_due=today(), conclusion_due=today() + 5 * DAY)
    assert not row_for(admin, discussion).protocol_overdue
    set_fields(discussion, protocol_due=today() - DAY)
    row = row_for(admin, discussion)
    assert row.protocol_overdue
    assert row.has_problems


def test_a_signed_protocol_is_not_overdue_but_the_conclusion_can_be(admin):
    discussion = overdue_protocol()
    signed(discussion)
    set_fields(discussion, conclusion_due=today() - DAY)
    row = row_for(admin, discussion)
    assert not row.protocol_overdue
    assert row.conclusion_overdue


def test_a_concluded_discussion_has_no_problems(admin):
    discussion = overdue_protocol()
    set_fields(discussion, conclusion_due=today() - DAY)
    signed(discussion, concluded=True)
    row = row_for(admin, discussion)
    assert row.stage == "conclusion"
    assert not row.has_problems


def test_a_cancelled_discussion_has_no_problems(admin):
    discussion = overdue_protocol()
    add_submission(discussion, kind=Kind.QUESTION, hours_ago=500)
    set_fields(discussion, status=Discussion.Status.CANCELLED, cancel_reason="Проект отозван.")
    row = row_for(admin, discussion)
    assert row.stage == "cancelled"
    assert not row.has_problems


def test_the_page_shows_counts_and_flags(admin):
    discussion = overdue_protocol(title="Проект межевания квартала 7")
    add_submission(discussion)
    content = admin.get(DASHBOARD, headers={"accept-language": "en"}).content.decode()
    assert "Проект межевания квартала 7" in content
    assert "protocol overdue" in content
    assert discussion.get_absolute_url() in content


def test_the_summary_adds_up_the_rows(admin):
    late = overdue_protocol()
    add_submission(late)
    add_submission(late, kind=Kind.QUESTION, hours_ago=100)
    fine = make_discussion(stage="intake")
    add_submission(fine)
    totals = admin.get(DASHBOARD).context["totals"]
    assert (totals.discussions, totals.with_problems) == (2, 1)
    assert (totals.unreviewed, totals.questions_overdue) == (3, 1)


def _busy_discussion():
    discussion = make_discussion(stage="intake")
    add_submission(discussion)
    add_submission(discussion, paper=True, as_legal_entity=True, participant={"ogrn": "1"})
    answer(add_submission(discussion, kind=Kind.QUESTION, hours_ago=60))
    add_submission(discussion, kind=Kind.QUESTION, hours_ago=60)
    return discussion


def test_the_number_of_queries_does_not_grow_with_the_rows(admin):
    for _ in range(3):
        _busy_discussion()
    admin.get(DASHBOARD)  # the first request of a session checks the second factor once
    few = dashboard_queries(admin)
    for _ in range(9):
        _busy_discussion()
    assert dashboard_queries(admin) == few
    assert len(admin.get(DASHBOARD).context["page"].object_list) == 12
