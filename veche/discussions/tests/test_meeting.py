"""A hearing's meeting online: remarks sent while it lasts share the intake's numbers and
receipts; the organizer's settings, record and their audit; what the protocol says of it."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from tests.factories import make_discussion, make_resident, make_territory
from veche.core.models import AuditEvent
from veche.discussions import services
from veche.discussions.meeting import parse_link
from veche.discussions.models import Discussion, ScheduleChange, Submission
from veche.discussions.records.content import meeting_of, protocol_record
from veche.discussions.tests.meeting_cast import BROADCAST, REMARK, hearing, organizer_of

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _tasks_run_at_once(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def remark(user, discussion, text=REMARK, **options):
    return services.send_meeting_remark(user=user, discussion=discussion, text=text, **options)


# --- The window ---------------------------------------------------------------------------------


def test_a_remark_during_the_meeting_is_numbered_with_the_intake(
    django_capture_on_commit_callbacks,
):
    discussion = hearing()
    resident = make_resident(discussion.territory)
    first = services.submit(
        user=resident,
        discussion=discussion,
        kind="proposal",
        text="Сделать велодорожку вдоль улицы.",
    )
    with django_capture_on_commit_callbacks(execute=True):
        at_meeting = remark(resident, discussion)
    assert at_meeting.number == first.number + 1
    assert at_meeting.registration_number == f"{discussion.pk}-0002"
    assert at_meeting.kind == Submission.Kind.REMARK
    assert at_meeting.channel == Submission.Channel.MEETING_ONLINE
    assert at_meeting.participant_number == first.participant_number
    assert at_meeting.participant["verification"]
    receipts = [m for m in mail.outbox if at_meeting.registration_number in m.subject]
    assert len(receipts) == 1 and receipts[0].to == [resident.email]
    event = AuditEvent.objects.filter(action="discussion.submission_registered").last()
    assert event.data["channel"] == "meeting_online"


def test_before_the_meeting_a_remark_is_refused_and_nothing_is_kept():
    discussion = hearing(started_minutes_ago=-30)
    with pytest.raises(ValidationError, match="only while the meeting lasts"):
        remark(make_resident(discussion.territory), discussion)
    assert not Submission.objects.exists()


def test_after_the_meeting_a_remark_is_refused():
    discussion = hearing(started_minutes_ago=61)  # it lasted 60 minutes
    with pytest.raises(ValidationError, match="only while the meeting lasts"):
        remark(make_resident(discussion.territory), discussion)
    assert not Submission.objects.exists()


def test_the_window_ends_exactly_at_the_meeting_end():
    discussion = hearing()
    assert discussion.meeting_open_at(discussion.meeting_end - datetime.timedelta(seconds=1))
    assert not discussion.meeting_open_at(discussion.meeting_end)
    assert not discussion.meeting_open_at(discussion.meeting_at - datetime.timedelta(seconds=1))


def test_a_public_discussion_takes_no_meeting_remark():
    discussion = make_discussion()
    Discussion.objects.filter(pk=discussion.pk).update(meeting_at=timezone.now())
    discussion.refresh_from_db()
    with pytest.raises(ValidationError, match="public hearing"):
        remark(make_resident(discussion.territory), discussion)


def test_after_the_protocol_is_signed_no_remark_is_taken():
    discussion = hearing()
    Discussion.objects.filter(pk=discussion.pk).update(protocol_signed_at=timezone.now())
    with pytest.raises(ValidationError):
        remark(make_resident(discussion.territory), discussion)


# --- Eligibility: the intake's ------------------------------------------------------------------


def test_a_resident_of_another_district_is_refused_as_at_the_intake():
    discussion = hearing()
    elsewhere = make_territory(code="kazan-sovetsky", ru="Советский район", en="Sovetsky District")
    with pytest.raises(PermissionDenied, match="Sovetsky District"):
        remark(make_resident(elsewhere), discussion)
    assert not Submission.objects.exists()


def test_a_short_or_repeated_remark_is_refused_with_the_number():
    discussion = hearing()
    resident = make_resident(discussion.territory)
    with pytest.raises(ValidationError):
        remark(resident, discussion, text="Нет")
    first = remark(resident, discussion)
    with pytest.raises(ValidationError, match=first.registration_number):
        remark(resident, discussion)


def test_remarks_spend_the_submissions_rate_limit(monkeypatch):
    from veche.core import ratelimits

    spent = []
    monkeypatch.setattr(ratelimits, "spend", lambda action, user: spent.append((action, user)))
    discussion = hearing()
    resident = make_resident(discussion.territory)
    remark(resident, discussion)
    assert spent == [("submit", resident)]


# --- The organizer ------------------------------------------------------------------------------


def test_the_organizer_sets_the_broadcast_and_it_is_audited():
    discussion = hearing()
    services.update_meeting(
        user=organizer_of(discussion),
        discussion=discussion,
        place=discussion.meeting_place,
        length=90,
        broadcast_url=BROADCAST,
    )
    discussion.refresh_from_db()
    assert (discussion.broadcast_url, discussion.meeting_length) == (BROADCAST, 90)
    event = AuditEvent.objects.get(action="discussion.meeting_updated")
    assert event.data == {"length": [60, 90], "broadcast_url": ["", BROADCAST]}
    assert not ScheduleChange.objects.exists()  # the place stayed


@pytest.mark.parametrize(
    "link",
    [
        "javascript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "http://video.example.ru/live",
        "https://user:secret@video.example.ru/live",
        "https:///nohost",
        "https://video example.ru/",
        "//video.example.ru/live",
        "vbscript:msgbox",
    ],
)
def test_a_hostile_or_plain_http_link_is_refused_and_nothing_changes(link):
    discussion = hearing()
    with pytest.raises(ValidationError):
        services.update_meeting(
            user=organizer_of(discussion),
            discussion=discussion,
            place=discussion.meeting_place,
            length=60,
            broadcast_url=link,
        )
    discussion.refresh_from_db()
    assert discussion.broadcast_url == ""
    assert not AuditEvent.objects.filter(action="discussion.meeting_updated").exists()


def test_an_https_link_is_kept_as_given():
    assert parse_link(f" {BROADCAST}?t=1 ") == f"{BROADCAST}?t=1"


def test_a_new_place_after_the_notice_is_a_schedule_change_with_the_reason():
    discussion = hearing()
    with pytest.raises(ValidationError, match="reason"):
        services.update_meeting(
            user=organizer_of(discussion),
            discussion=discussion,
            place="Дом культуры",
            length=60,
            broadcast_url="",
        )
    services.update_meeting(
        user=organizer_of(discussion),
        discussion=discussion,
        place="Дом культуры",
        length=60,
        broadcast_url="",
        reason="Актовый зал на ремонте.",
    )
    change = ScheduleChange.objects.get()
    assert (change.field, change.new_value) == ("meeting_place", "Дом культуры")
    assert change.reason == "Актовый зал на ремонте."
    assert str(change.field_label) == "meeting place"


def test_someone_not_organizing_changes_nothing():
    discussion = hearing()
    with pytest.raises(PermissionDenied):
        services.update_meeting(
            user=make_resident(discussion.territory),
            discussion=discussion,
            place="",
            length=60,
            broadcast_url=BROADCAST,
        )


def test_the_record_is_published_only_after_the_meeting():
    discussion = hearing()
    with pytest.raises(ValidationError, match="over"):
        services.publish_meeting_record(
            user=organizer_of(discussion),
            discussion=discussion,
            minutes="Выступили 5 участников.",
            recording_url="",
        )
    discussion = hearing(started_minutes_ago=90, territory=discussion.territory)
    services.publish_meeting_record(
        user=organizer_of(discussion),
        discussion=discussion,
        minutes="Выступили 5 участников.",
        recording_url="https://video.example.ru/rec/12",
    )
    discussion.refresh_from_db()
    assert discussion.meeting_record_published_at is not None
    assert discussion.recording_url == "https://video.example.ru/rec/12"
    assert AuditEvent.objects.filter(action="discussion.meeting_record_published").exists()


def test_a_record_with_a_hostile_recording_link_is_refused():
    discussion = hearing(started_minutes_ago=90)
    with pytest.raises(ValidationError):
        services.publish_meeting_record(
            user=organizer_of(discussion),
            discussion=discussion,
            minutes="Итоги.",
            recording_url="javascript:alert(1)",
        )
    discussion.refresh_from_db()
    assert discussion.meeting_record_published_at is None


# --- The protocol -------------------------------------------------------------------------------


def test_the_protocol_records_the_meeting_and_its_remarks(english_documents):
    discussion = hearing()
    remark(make_resident(discussion.territory), discussion)
    Discussion.objects.filter(pk=discussion.pk).update(
        meeting_at=timezone.now() - datetime.timedelta(hours=2)
    )
    discussion.refresh_from_db()
    services.publish_meeting_record(
        user=organizer_of(discussion),
        discussion=discussion,
        minutes="Five participants spoke.",
        recording_url="https://video.example.ru/rec/12",
    )
    discussion.refresh_from_db()
    record = protocol_record(discussion, draft=True)
    facts = dict(record.meeting.facts)
    assert facts["Recording"] == "https://video.example.ru/rec/12"
    assert facts["Remarks at the meeting"] == "1, of them 1 sent online"
    assert record.meeting.minutes == "Five participants spoke."


def test_a_hearing_neither_held_online_nor_recorded_keeps_its_protocol_as_before():
    discussion = make_discussion(kind="hearing")
    assert discussion.meeting_at is not None
    assert meeting_of(discussion) is None
    assert meeting_of(make_discussion(territory=discussion.territory)) is None


def test_an_official_cannot_register_a_paper_submission_as_sent_online():
    discussion = hearing()
    with pytest.raises(ValidationError):
        services.register_on_behalf(
            official=organizer_of(discussion),
            discussion=discussion,
            kind="remark",
            text=REMARK,
            channel=Submission.Channel.MEETING_ONLINE,
            received_on=discussion.local_date(),
            participant={
                "full_name": "Иванов Иван",
                "birthdate": "1980-01-01",
                "address": "Казань",
            },
            basis="resident",
        )
    assert not Submission.objects.exists()


def test_followers_and_participants_hear_of_the_record_once_and_not_of_a_correction():
    from veche.discussions.models import Follow
    from veche.notifications.models import Notification
    from veche.notifications.tests.builders import deliver_events

    discussion = hearing(started_minutes_ago=30)
    follower, participant = make_resident(discussion.territory), make_resident(discussion.territory)
    Follow.objects.create(user=follower, discussion=discussion)
    remark(participant, discussion)
    Discussion.objects.filter(pk=discussion.pk).update(
        meeting_at=timezone.now() - datetime.timedelta(minutes=90)
    )
    discussion.refresh_from_db()
    organizer = organizer_of(discussion)
    Follow.objects.create(user=organizer, discussion=discussion)
    for minutes in ("Выступили 5 участников.", "Выступили 6 участников."):  # then corrected
        services.publish_meeting_record(
            user=organizer, discussion=discussion, minutes=minutes, recording_url=""
        )
        deliver_events()
    told = Notification.objects.filter(kind="discussion_meeting_record")
    assert sorted(told.values_list("user", flat=True)) == sorted([follower.pk, participant.pk])
    notice = told.get(user=follower)
    assert discussion.title in notice.title
    assert "протокол собрания" in notice.body and "запис" not in notice.body  # minutes alone
    assert notice.url.endswith(discussion.get_absolute_url())
