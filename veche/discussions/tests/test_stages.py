"""Stages follow the schedule by themselves, on the right instants in the discussion's time zone."""

import datetime
import zoneinfo

import pytest
from django.core.exceptions import ValidationError

from tests.factories import make_discussion, make_resident
from veche.discussions import services
from veche.discussions.models import Discussion, Stage, Submission
from veche.discussions.schedule import add_months, schedule_errors, schedule_warnings

pytestmark = pytest.mark.django_db
UTC = datetime.UTC


def at(discussion: Discussion, day: datetime.date, hour: int = 0, minute: int = 0):
    """An instant given in the discussion's own time zone."""
    return datetime.datetime(day.year, day.month, day.day, hour, minute, tzinfo=discussion.zone)


@pytest.mark.parametrize("zone", ["Europe/Moscow", "Asia/Vladivostok", "Europe/Kaliningrad"])
def test_each_stage_opens_at_local_midnight_of_its_day(zone):
    discussion = make_discussion(stage="intake", time_zone=zone)
    minute = datetime.timedelta(minutes=1)
    boundaries = [
        (at(discussion, discussion.notice_date), Stage.SCHEDULED, Stage.ANNOUNCED),
        (at(discussion, discussion.exposition_start), Stage.ANNOUNCED, Stage.INTAKE),
        (
            at(discussion, discussion.intake_end + datetime.timedelta(days=1)),
            Stage.INTAKE,
            Stage.REVIEW,
        ),
    ]
    for instant, before, after in boundaries:
        assert discussion.stage_at(instant - minute) == before
        assert discussion.stage_at(instant) == after


def test_the_same_utc_instant_is_a_different_stage_in_another_time_zone():
    moscow = make_discussion(stage="intake", time_zone="Europe/Moscow")
    vladivostok = make_discussion(stage="intake", time_zone="Asia/Vladivostok")
    Discussion.objects.filter(pk=vladivostok.pk).update(intake_end=moscow.intake_end)
    vladivostok.refresh_from_db()
    # 16:30 UTC on the last day: 19:30 in Moscow (still open), 02:30 next day in Vladivostok.
    last = moscow.intake_end
    instant = datetime.datetime(last.year, last.month, last.day, 16, 30, tzinfo=UTC)
    assert moscow.stage_at(instant) == Stage.INTAKE
    assert vladivostok.stage_at(instant) == Stage.REVIEW


def test_a_submission_after_the_intake_closes_is_refused_and_stored_nowhere():
    discussion = make_discussion(stage="intake", time_zone="Asia/Vladivostok")
    resident = make_resident(discussion.territory)
    closing = at(discussion, discussion.intake_end + datetime.timedelta(days=1))
    services.submit(
        user=resident,
        discussion=discussion,
        kind=Submission.Kind.PROPOSAL,
        text="Сохранить деревья вдоль улицы при реконструкции.",
        moment=closing - datetime.timedelta(seconds=1),
    )
    with pytest.raises(ValidationError, match="intake is closed"):
        services.submit(
            user=resident,
            discussion=discussion,
            kind=Submission.Kind.PROPOSAL,
            text="Добавить велодорожку вдоль улицы.",
            moment=closing,
        )
    assert list(Submission.objects.values_list("text", flat=True)) == [
        "Сохранить деревья вдоль улицы при реконструкции."
    ]


def test_questions_are_taken_during_the_exposition_but_proposals_only_from_the_intake():
    discussion = make_discussion(stage="exposition")
    resident = make_resident(discussion.territory)
    services.submit(
        user=resident,
        discussion=discussion,
        kind=Submission.Kind.QUESTION,
        text="Какой будет высота новых зданий?",
    )
    with pytest.raises(ValidationError, match="taken from"):
        services.submit(
            user=resident,
            discussion=discussion,
            kind=Submission.Kind.PROPOSAL,
            text="Снизить этажность до пяти этажей.",
        )
    assert Submission.objects.count() == 1


def test_signed_protocol_and_published_conclusion_set_the_stage_whatever_the_dates():
    discussion = make_discussion(stage="review")
    discussion.protocol_signed_at = datetime.datetime(2026, 1, 1, tzinfo=UTC)
    assert discussion.stage_at() == Stage.PROTOCOL
    discussion.conclusion_published_at = datetime.datetime(2026, 1, 2, tzinfo=UTC)
    assert discussion.stage_at(datetime.datetime(2026, 1, 3, tzinfo=UTC)) == Stage.CONCLUSION
    assert discussion.stage_at(datetime.datetime(2026, 12, 1, tzinfo=UTC)) == Stage.ARCHIVE


def test_drafts_and_cancelled_discussions_do_not_follow_the_dates():
    discussion = make_discussion(stage="intake")
    discussion.status = Discussion.Status.DRAFT
    assert discussion.stage_at() == Stage.DRAFT
    discussion.status = Discussion.Status.CANCELLED
    assert discussion.stage_at() == Stage.CANCELLED


# --- The schedule ---------------------------------------------------------------------------


def lawful(**changes) -> dict:
    day = datetime.date(2026, 12, 1)
    dates = {
        "notice_date": day,
        "exposition_start": day + datetime.timedelta(days=7),
        "intake_start": day + datetime.timedelta(days=7),
        "intake_end": day + datetime.timedelta(days=20),
        "exposition_end": day + datetime.timedelta(days=20),
        "protocol_due": day + datetime.timedelta(days=24),
        "conclusion_due": day + datetime.timedelta(days=30),
        "subject": "general_plan",
        "kind": "discussion",
        "zone": zoneinfo.ZoneInfo("Europe/Moscow"),
    }
    return dates | changes


def test_a_lawful_schedule_has_neither_errors_nor_warnings():
    assert schedule_errors(lawful()) == {}
    assert schedule_warnings(lawful()) == []


def test_stages_out_of_order_are_errors_on_the_later_date():
    errors = schedule_errors(lawful(intake_end=datetime.date(2026, 12, 5)))
    assert "intake_end" in errors
    errors = schedule_errors(lawful(protocol_due=datetime.date(2026, 12, 21)))
    assert "protocol_due" in errors


def test_a_hearing_needs_its_meeting():
    assert "meeting_at" in schedule_errors(lawful(kind="hearing", meeting_at=None))


def test_a_short_notice_and_an_overlong_general_plan_are_warnings():
    warnings = schedule_warnings(lawful(exposition_start=datetime.date(2026, 12, 5)))
    assert len(warnings) == 1 and "at least 7 days" in warnings[0]
    warnings = schedule_warnings(lawful(conclusion_due=datetime.date(2027, 1, 2)))
    assert len(warnings) == 1 and "2027-01-01" in warnings[0]
    assert (
        schedule_warnings(lawful(conclusion_due=datetime.date(2027, 1, 2), subject="other")) == []
    )


def test_the_notice_lead_time_is_a_setting(settings):
    settings.VECHE_DISCUSSION_NOTICE_DAYS = 20
    assert schedule_warnings(lawful())


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (datetime.date(2026, 1, 31), 1, datetime.date(2026, 2, 28)),
        (datetime.date(2028, 1, 31), 1, datetime.date(2028, 2, 29)),
        (datetime.date(2026, 12, 15), 1, datetime.date(2027, 1, 15)),
        (datetime.date(2026, 11, 30), 3, datetime.date(2027, 2, 28)),
    ],
)
def test_a_month_ends_on_the_same_day_or_the_last_of_a_shorter_month(day, months, expected):
    assert add_months(day, months) == expected
