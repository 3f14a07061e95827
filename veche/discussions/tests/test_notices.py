"""Who hears of a discussion, and when: the notice on its date, each once."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone

from tests.factories import make_discussion, make_resident, make_territory, make_user
from veche.discussions import services
from veche.discussions.models import Discussion, Follow, Submission
from veche.notifications.tests.builders import deliver_events

pytestmark = pytest.mark.django_db


def test_followers_of_the_territory_and_around_it_hear_the_notice_once_on_its_date():
    city = make_territory(code="city", kind="city")
    district = make_territory(code="district", parent=city)
    discussion = make_discussion(stage="scheduled", territory=district)
    of_city, of_district = make_user(), make_user()
    of_elsewhere = make_user()
    Follow.objects.create(user=of_city, territory=city)
    Follow.objects.create(user=of_district, territory=district)
    Follow.objects.create(user=of_elsewhere, territory=make_territory(code="elsewhere"))

    before = discussion.starts(discussion.notice_date) - datetime.timedelta(minutes=1)
    assert services.send_due_notices(before)["announced"] == 0
    on_the_day = discussion.starts(discussion.notice_date)
    assert services.send_due_notices(on_the_day)["announced"] == 1
    assert services.send_due_notices(on_the_day)["announced"] == 0
    deliver_events()

    for person in (of_city, of_district):
        assert person.notifications.filter(kind="discussion_announced").count() == 1
    assert not of_elsewhere.notifications.exists()


def test_the_tick_command_sends_what_is_due(capsys):
    discussion = make_discussion(stage="intake")
    follower = make_user()
    Follow.objects.create(user=follower, territory=discussion.territory)
    call_command("discussion_tick")
    assert "announced 1" in capsys.readouterr().out
    deliver_events()
    notice = follower.notifications.get(kind="discussion_announced")
    # The body names the project (a dotted name inside blocktranslate once rendered as "«»").
    assert discussion.title in notice.body
    assert "«»" not in notice.body and "“”" not in notice.body


def test_experts_are_reminded_of_a_waiting_question_once_a_day(settings):
    settings.VECHE_EXPERT_REMINDER_HOURS = 48
    expert = make_user()
    discussion = make_discussion(stage="exposition", experts=[expert])
    question = services.submit(
        user=make_resident(discussion.territory),
        discussion=discussion,
        kind=Submission.Kind.QUESTION,
        text="Где будет парковка?",
    )
    now = timezone.now()
    assert services.send_due_notices(now + datetime.timedelta(hours=47))["experts_reminded"] == 0
    later = now + datetime.timedelta(hours=49)
    assert services.send_due_notices(later)["experts_reminded"] == 1
    assert services.send_due_notices(later)["experts_reminded"] == 0
    deliver_events()
    assert expert.notifications.filter(kind="discussion_expert_reminder").count() == 1
    services.answer_question(expert=expert, submission=question, text="Под зданием.")
    assert services.send_due_notices(later + datetime.timedelta(days=1))["experts_reminded"] == 0


def test_a_moved_date_is_public_with_its_reason_and_participants_hear_of_it():
    discussion = make_discussion(stage="intake")
    resident = make_resident(discussion.territory)
    services.submit(user=resident, discussion=discussion, kind="proposal", text="Сохранить липы.")
    new_end = discussion.intake_end + datetime.timedelta(days=7)
    changes = services.move_dates(
        user=discussion.created_by,
        discussion=discussion,
        values={
            "intake_end": new_end,
            "exposition_end": new_end,
            "protocol_due": discussion.protocol_due + datetime.timedelta(days=7),
            "conclusion_due": discussion.conclusion_due + datetime.timedelta(days=7),
        },
        reason="Продлено по просьбам жителей.",
        accept_warnings=True,
    )
    deliver_events()
    assert len(changes) == 4
    assert changes[0].old_value == (new_end - datetime.timedelta(days=7)).isoformat()
    assert all(change.reason == "Продлено по просьбам жителей." for change in changes)
    assert resident.notifications.filter(kind="discussion_schedule_changed").count() == 1
    with pytest.raises(ValidationError, match="reason"):
        services.move_date(
            user=discussion.created_by,
            discussion=discussion,
            field="conclusion_due",
            value=discussion.conclusion_due + datetime.timedelta(days=9),
            reason=" ",
        )
    discussion.refresh_from_db()
    assert discussion.intake_end == new_end


def test_a_date_already_reached_cannot_be_moved():
    discussion = make_discussion(stage="intake")
    with pytest.raises(ValidationError, match="already come"):
        services.move_date(
            user=discussion.created_by,
            discussion=discussion,
            field="exposition_start",
            value=timezone.localdate(),
            reason="Ошибка в дате.",
            accept_warnings=True,
        )
    assert Discussion.objects.get(pk=discussion.pk).exposition_start == discussion.exposition_start


def test_a_discussion_already_past_its_intake_is_never_announced():
    discussion = make_discussion(stage="review")
    follower = make_user()
    Follow.objects.create(user=follower, territory=discussion.territory)
    assert services.send_due_notices()["announced"] == 0
    assert not follower.notifications.exists()
    discussion.refresh_from_db()
    assert discussion.notice_sent_at is not None  # and it is not looked at again
