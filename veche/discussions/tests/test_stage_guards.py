"""What a hostile organizer, a late expert or a careless official could once do, and no longer
can (found by a review): a hidden submission's text shown to visitors and through the API,
an intake reopened after it closed, a meeting's remarks reopened by a longer meeting, votes
running past the protocol, an answer landing after the signature, a paper participant born after
writing in or younger than the discussion allows."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from tests.factories import make_discussion, make_organization, make_staff
from veche.discussions import services
from veche.discussions.models import Discussion, Submission, VoteQuestion
from veche.discussions.tests.meeting_cast import hearing, organizer_of
from veche.moderation.services import hide_content
from veche.organizations.models import Membership

pytestmark = pytest.mark.django_db
SECRET = "Позвоните мне: +7 900 000-00-00, спросить Марию."


def paper(discussion, *, kind=Submission.Kind.REMARK, text=SECRET, birthdate="1950-03-08"):
    return services.register_on_behalf(
        official=make_staff(discussion.organizer, Membership.Role.OFFICIAL),
        discussion=discussion,
        kind=kind,
        text=text,
        channel=Submission.Channel.WRITING,
        received_on=discussion.intake_start,
        participant={
            "full_name": "Иванова Мария Петровна",
            "birthdate": birthdate,
            "address": "ул. Ш",
        },
        basis=Submission.Basis.RESIDENT,
    )


def hidden(submission):
    moderator = make_staff(make_organization(), Membership.Role.MODERATOR)
    hide_content(moderator=moderator, target=submission, ground="personal_data")
    submission.refresh_from_db()
    return submission


# --- A hidden submission -------------------------------------------------------------------


def test_a_hidden_paper_submission_is_not_shown_to_a_visitor(client):
    """A paper submission has no account (nor has one whose author erased theirs): the page's
    check of "the author's own" must not take a visitor for its author."""
    submission = hidden(paper(make_discussion()))
    page = client.get(submission.get_absolute_url())
    assert page.status_code == 200
    assert "Позвоните мне" not in page.content.decode()


def test_a_hidden_questions_answers_are_hidden_with_it(client):
    discussion = make_discussion()
    expert = make_staff(discussion.organizer, Membership.Role.EXPERT)
    Discussion.experts.through.objects.create(discussion=discussion, user=expert)
    question = paper(discussion, kind=Submission.Kind.QUESTION, text="Где будет парковка?")
    services.answer_question(expert=expert, submission=question, text=SECRET)
    page = client.get(hidden(question).get_absolute_url()).content.decode()
    assert "Позвоните мне" not in page


def test_the_public_api_leaves_a_hidden_submissions_text_and_answers_out(client):
    discussion = make_discussion()
    shown = paper(discussion, text="Сохранить деревья вдоль улицы.")
    secret = hidden(paper(discussion))
    answer = client.get(f"/api/v1/discussions/{discussion.pk}/submissions/")
    assert answer.status_code == 200
    rows = {row["registration_number"]: row for row in answer.json()["results"]}
    assert SECRET not in answer.content.decode()
    assert rows[secret.registration_number]["hidden"] is True
    assert rows[secret.registration_number]["text"] == ""
    assert rows[secret.registration_number]["answers"] == []
    assert rows[shown.registration_number] | {"hidden": False} == rows[shown.registration_number]
    assert rows[shown.registration_number]["text"] == "Сохранить деревья вдоль улицы."


# --- Dates and stages ----------------------------------------------------------------------


def test_an_intake_that_closed_is_not_reopened():
    discussion = make_discussion(stage="review")  # its intake ended a week ago
    later = timezone.localdate() + datetime.timedelta(days=3)
    with pytest.raises(ValidationError, match="already come"):
        services.move_dates(
            user=discussion.created_by,
            discussion=discussion,
            values={"intake_end": later, "exposition_end": later},
            reason="Продлеваем приём, потому что так хотим.",
            accept_warnings=True,
        )
    discussion.refresh_from_db()
    assert discussion.stage == "review"


def test_an_intake_running_today_is_still_extended():
    discussion = make_discussion(stage="intake")
    today = timezone.localdate()
    Discussion.objects.filter(pk=discussion.pk).update(intake_end=today, exposition_end=today)
    discussion.refresh_from_db()
    later = today + datetime.timedelta(days=3)
    services.move_dates(
        user=discussion.created_by,
        discussion=discussion,
        values={"intake_end": later, "exposition_end": later},
        reason="Продлеваем приём по просьбам жителей.",
        accept_warnings=True,
    )
    discussion.refresh_from_db()
    assert discussion.intake_end == later


def change_length(discussion, minutes):
    services.update_meeting(
        user=organizer_of(discussion),
        discussion=discussion,
        place=discussion.meeting_place,
        length=minutes,
        broadcast_url="",
    )


def test_a_meeting_that_ended_keeps_its_length_and_its_remarks_stay_closed():
    discussion = hearing(started_minutes_ago=180)  # a 60-minute meeting, over two hours ago
    assert not discussion.meeting_open_at(timezone.now())
    with pytest.raises(ValidationError, match="has ended"):
        change_length(discussion, 24 * 60)
    discussion.refresh_from_db()
    assert discussion.meeting_length == 60
    assert not discussion.meeting_open_at(timezone.now())


def test_a_running_meeting_runs_longer_but_not_shorter():
    discussion = hearing(started_minutes_ago=30)
    with pytest.raises(ValidationError, match="not shorter"):
        change_length(discussion, 20)
    change_length(discussion, 90)
    discussion.refresh_from_db()
    assert discussion.meeting_length == 90


def test_a_vote_answer_longer_than_kept_is_refused_not_a_server_error():
    discussion = make_discussion(stage="scheduled")
    with pytest.raises(ValidationError, match="at most 300 characters"):
        services.add_question(
            user=discussion.created_by,
            discussion=discussion,
            fields={"kind": "single", "text": "Что строить?"},
            options=["Сквер", "Парковку " + "и ещё " * 60],
        )
    assert not VoteQuestion.objects.exists()


def test_a_vote_closes_by_the_day_the_protocol_is_due():
    discussion = make_discussion(stage="scheduled")
    after = discussion.ends(discussion.protocol_due) + datetime.timedelta(minutes=1)
    with pytest.raises(ValidationError, match="protocol is due"):
        services.add_question(
            user=discussion.created_by,
            discussion=discussion,
            fields={"kind": "single", "text": "Что строить?", "closes_at": after},
            options=["Сквер", "Парковку"],
        )


def test_the_protocol_is_not_signed_while_a_vote_is_open():
    discussion = make_discussion(stage="review")
    VoteQuestion.objects.create(
        discussion=discussion,
        kind="single",
        text="Что строить?",
        created_by=discussion.created_by,
        closes_at=timezone.now() + datetime.timedelta(hours=2),
    )
    with pytest.raises(ValidationError, match="sign the protocol after it closes"):
        services.sign_protocol(user=discussion.created_by, discussion=discussion)
    discussion.refresh_from_db()
    assert discussion.protocol_signed_at is None


def test_an_answer_racing_the_signature_is_refused():
    """The expert's page read the discussion before the organizer signed: the answer is checked
    against the discussion as it stands, under its lock."""
    discussion = make_discussion()
    expert = make_staff(discussion.organizer, Membership.Role.EXPERT)
    Discussion.experts.through.objects.create(discussion=discussion, user=expert)
    question = paper(discussion, kind=Submission.Kind.QUESTION, text="Где будет парковка?")
    as_read = Submission.objects.select_related("discussion").get(pk=question.pk)
    Discussion.objects.filter(pk=discussion.pk).update(protocol_signed_at=timezone.now())
    with pytest.raises(ValidationError, match="protocol is signed"):
        services.answer_question(expert=expert, submission=as_read, text="Парковка у школы.")
    assert not question.answers.exists()


# --- Paper submissions ---------------------------------------------------------------------


def test_a_paper_participant_born_after_writing_in_is_refused():
    discussion = make_discussion()
    born = (discussion.intake_start + datetime.timedelta(days=1)).isoformat()
    with pytest.raises(ValidationError, match="before the date of receipt"):
        paper(discussion, birthdate=born)
    assert not Submission.objects.exists()


def test_a_paper_participant_younger_than_the_discussion_allows_is_refused():
    discussion = make_discussion(min_age=18)
    born = discussion.intake_start.replace(year=discussion.intake_start.year - 17).isoformat()
    with pytest.raises(ValidationError, match="aged 18 or over"):
        paper(discussion, birthdate=born)
    assert not Submission.objects.exists()
