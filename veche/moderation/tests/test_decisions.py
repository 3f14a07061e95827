"""Every act of a moderator on every published ground: what it does to the content, the Decision
it leaves, its audit row, and what the author is told (the ground and the role, never the
moderator's name)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils.html import escape

from tests.outbox import deliver_everything
from veche.core.models import AuditEvent
from veche.moderation.models import Complaint, Decision, Ground
from veche.moderation.services import (
    block_author,
    dismiss_complaint,
    hide_content,
    report_content,
    restore_content,
    warn_author,
)
from veche.notifications.models import Notification

pytestmark = pytest.mark.django_db
GROUNDS = list(Ground)


def notices_of(user):
    # Notices are made in each person's language; these are read in English.
    type(user).objects.filter(pk=user.pk).update(preferred_language="en")
    deliver_everything()
    return list(Notification.objects.filter(user=user).order_by("id"))


@pytest.mark.parametrize("ground", GROUNDS)
def test_hiding_a_comment_on_each_ground_shows_the_ground_in_its_place(
    client, comment, moderator, ground
):
    hide_content(moderator=moderator, target=comment, ground=ground, note="См. правила.")
    page = client.get(comment.problem.get_absolute_url()).content.decode()
    assert "Баумана" not in page
    assert escape(f"Ground: {ground.label}.") in page
    decision = Decision.objects.get()
    assert (decision.action, decision.ground, decision.author, decision.moderator) == (
        Decision.Action.HIDE,
        ground,
        comment.author,
        moderator,
    )
    assert decision.excerpt == comment.text
    event = AuditEvent.objects.get(action="moderation.hidden")
    assert event.data["ground"] == ground and event.actor == moderator


@pytest.mark.parametrize("ground", GROUNDS)
def test_the_author_is_told_what_was_hidden_on_which_ground_by_a_moderator_not_by_whom(
    comment, moderator, ground
):
    moderator.first_name, moderator.last_name = "Модест", "Модераторов"
    moderator.save()
    hide_content(moderator=moderator, target=comment, ground=ground, note="Уберите ругань.")
    (notice,) = notices_of(comment.author)
    decision = Decision.objects.get()
    assert notice.title == "A moderator hid your text (comment)"
    assert str(ground.label) in notice.body
    assert "Уберите ругань." in notice.body
    assert "contest it once" in notice.body
    assert "Модераторов" not in notice.body + notice.title
    assert notice.url == reverse("moderation:decision", args=[decision.pk])
    assert notices_of(moderator) == []


@pytest.mark.parametrize("ground", GROUNDS)
def test_a_warning_on_each_ground_leaves_the_content_and_tells_the_author(
    client, comment, moderator, ground
):
    decision = warn_author(moderator=moderator, target=comment, ground=ground)
    comment.refresh_from_db()
    assert comment.hidden_at is None
    assert (decision.action, decision.ground, decision.author) == (
        Decision.Action.WARN,
        ground,
        comment.author,
    )
    (notice,) = notices_of(comment.author)
    assert notice.title == "A moderator warned you about your text (comment)"
    assert str(ground.label) in notice.body
    assert AuditEvent.objects.filter(action="moderation.warned", actor=moderator).exists()


@pytest.mark.parametrize("ground", GROUNDS)
def test_a_block_on_each_ground_for_a_period_tells_the_author_until_when(
    comment, moderator, ground
):
    decision = block_author(moderator=moderator, target=comment, ground=ground, days=30)
    assert (decision.blocked_until - decision.created_at).days == 30
    (notice,) = notices_of(comment.author)
    assert notice.title == "A moderator blocked your account"
    assert "until" in notice.body and str(ground.label) in notice.body
    event = AuditEvent.objects.get(action="moderation.blocked")
    assert event.data["until"] == decision.blocked_until.isoformat()
    assert event.data["author"] == comment.author.pk


def test_a_block_for_good_has_no_end(comment, moderator):
    decision = block_author(moderator=moderator, target=comment, ground="threats", days=None)
    assert decision.blocked_until is None
    (notice,) = notices_of(comment.author)
    assert "for good" in notice.body
    assert AuditEvent.objects.get(action="moderation.blocked").data["until"] == "for good"


@pytest.mark.parametrize("days", [0, -1, 366])
def test_a_block_longer_than_the_setting_or_of_no_days_is_refused(comment, moderator, days):
    with pytest.raises(ValidationError, match="from 1 to 365 days"):
        block_author(moderator=moderator, target=comment, ground="spam", days=days)
    assert not Decision.objects.exists()


def test_a_second_block_while_one_is_in_force_is_refused(comment, moderator):
    block_author(moderator=moderator, target=comment, ground="spam", days=7)
    with pytest.raises(ValidationError, match="already blocked"):
        block_author(moderator=moderator, target=comment, ground="spam", days=None)
    assert Decision.objects.filter(action="block").count() == 1


def test_a_moderator_is_not_blocked(moderator, comment):
    from veche.appeals.services import add_comment

    own = add_comment(author=moderator, problem=comment.problem, text="Модератор пишет.")
    with pytest.raises(ValidationError):
        block_author(moderator=moderator, target=own, ground="spam", days=7)


def test_dismissing_keeps_the_content_and_tells_no_author(comment, resident, moderator):
    complaint = report_content(reporter=resident, target=comment, reason="spam")
    dismiss_complaint(moderator=moderator, complaint=complaint, note="Не спам.")
    comment.refresh_from_db()
    assert comment.hidden_at is None
    decision = Decision.objects.get()
    assert (decision.action, decision.complaint, decision.note) == (
        "dismiss",
        complaint,
        "Не спам.",
    )
    assert notices_of(comment.author) == []
    event = AuditEvent.objects.get(action="moderation.dismissed")
    assert event.data["decision"] == decision.pk


def test_restoring_leaves_a_decision_and_an_audit_row(comment, moderator):
    hide_content(moderator=moderator, target=comment, ground="spam")
    restore_content(moderator=moderator, target=comment, note="Ошибка.")
    assert list(Decision.objects.order_by("id").values_list("action", flat=True)) == [
        "hide",
        "restore",
    ]
    assert AuditEvent.objects.filter(action="moderation.restored").exists()


@pytest.mark.parametrize("act", ["warn", "block"])
def test_a_resident_cannot_warn_or_block(comment, resident, act):
    with pytest.raises(PermissionDenied):
        if act == "warn":
            warn_author(moderator=resident, target=comment, ground="spam")
        else:
            block_author(moderator=resident, target=comment, ground="spam", days=7)
    assert not Decision.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="moderation.").exists()


@pytest.mark.parametrize("act", ["warn", "block"])
def test_warning_or_blocking_needs_a_published_ground(comment, moderator, act):
    with pytest.raises(ValidationError, match="published list"):
        if act == "warn":
            warn_author(moderator=moderator, target=comment, ground="rude")
        else:
            block_author(moderator=moderator, target=comment, ground="", days=7)
    assert not Decision.objects.exists()


def test_a_submission_is_hidden_on_a_ground_and_its_author_told(submission, moderator):
    hide_content(moderator=moderator, target=submission, ground="off_topic")
    submission.refresh_from_db()
    assert submission.hidden_at is not None
    (notice,) = notices_of(submission.author)
    assert notice.title == "A moderator hid your text (submission)"


def test_a_report_names_the_decision_it_led_to(comment, resident, moderator):
    complaint = report_content(reporter=resident, target=comment, reason="threats")
    assert complaint.ground == Ground.THREATS
    hide_content(moderator=moderator, target=comment, ground="threats", complaint=complaint)
    assert Decision.objects.get().complaint == complaint
    complaint.refresh_from_db()
    assert complaint.status == Complaint.Status.UPHELD


def test_a_report_about_other_content_cannot_be_named(comment, submission, resident, moderator):
    complaint = report_content(reporter=resident, target=submission, reason="spam")
    with pytest.raises(ValidationError, match="about something else"):
        hide_content(moderator=moderator, target=comment, ground="spam", complaint=complaint)
    comment.refresh_from_db()
    assert comment.hidden_at is None
