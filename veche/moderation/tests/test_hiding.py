"""Hiding and restoring through the registry: the public page shows a placeholder or nothing
instead of the text, restoring shows it again, and each decision leaves an audit row."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.factories import make_organization, make_resident, make_staff, make_user
from veche.appeals.services import add_comment
from veche.core.models import AuditEvent
from veche.moderation.models import Complaint, Decision
from veche.moderation.services import (
    dismiss_complaint,
    hide_content,
    report_content,
    restore_content,
)
from veche.organizations.models import Membership

from .conftest import SUBMISSION_TEXT

pytestmark = pytest.mark.django_db
SHOWN_TEXT = "<strong>Баумана</strong>"
PLACEHOLDER = "This comment was hidden by a moderator. Ground: obscene or offensive language."


def test_a_hidden_comment_is_a_placeholder_on_its_page_and_its_replies_stay(
    client, comment, moderator
):
    reply = add_comment(
        author=comment.problem.author, problem=comment.problem, text="Ответ автора.", parent=comment
    )
    hide_content(moderator=moderator, target=comment, ground="obscene")
    page = client.get(comment.problem.get_absolute_url()).content.decode()
    assert SHOWN_TEXT not in page
    assert PLACEHOLDER in page
    assert f'id="comment-{comment.pk}"' in page
    assert "Ответ автора." in page
    assert f"?comment={reply.pk}" in page  # the reply can still be reported
    assert f"?comment={comment.pk}" not in page  # the placeholder cannot
    comment.refresh_from_db()
    assert comment.hidden_reason == "obscene"


def test_a_restored_comment_is_shown_again(client, comment, moderator):
    hide_content(moderator=moderator, target=comment, ground="obscene")
    restore_content(moderator=moderator, target=comment, note="hidden by mistake")
    page = client.get(comment.problem.get_absolute_url()).content.decode()
    assert SHOWN_TEXT in page
    assert PLACEHOLDER not in page
    comment.refresh_from_db()
    assert (comment.hidden_at, comment.hidden_reason) == (None, "")


def test_hiding_and_restoring_each_leave_an_audit_row_naming_the_moderator(comment, moderator):
    hide_content(moderator=moderator, target=comment, ground="obscene")
    restore_content(moderator=moderator, target=comment, note="hidden by mistake")
    hidden, restored = Decision.objects.order_by("id")
    events = AuditEvent.objects.filter(action__startswith="moderation.").order_by("id")
    assert [(e.action, e.actor, e.object_type, e.object_id, e.data) for e in events] == [
        (
            "moderation.hidden",
            moderator,
            "appeals.comment",
            str(comment.pk),
            {"decision": hidden.pk, "ground": "obscene"},
        ),
        (
            "moderation.restored",
            moderator,
            "appeals.comment",
            str(comment.pk),
            {"decision": restored.pk, "note": "hidden by mistake"},
        ),
    ]


def test_a_hidden_submission_keeps_its_number_in_public_with_the_ground_for_its_text(
    client, submission, moderator
):
    discussion_url = submission.discussion.get_absolute_url()
    hide_content(moderator=moderator, target=submission, ground="off_topic")
    placeholder = "The text is hidden by a moderator. Ground: off topic."
    for url in (discussion_url, submission.get_absolute_url()):
        page = client.get(url).content.decode()
        assert SUBMISSION_TEXT not in page
        assert placeholder in page and submission.registration_number in page
    assert AuditEvent.objects.filter(
        action="moderation.hidden", object_type="discussions.submission"
    ).exists()
    restore_content(moderator=moderator, target=submission)
    assert SUBMISSION_TEXT in client.get(discussion_url).content.decode()
    assert placeholder not in client.get(submission.get_absolute_url()).content.decode()


def test_a_hidden_submission_stays_in_the_protocol_masked_with_its_ground(submission, moderator):
    from veche.discussions.records.content import entry_of
    from veche.discussions.records.statistics import protocol_submissions

    hide_content(moderator=moderator, target=submission, ground="personal_data")
    (listed,) = protocol_submissions(submission.discussion)
    entry = entry_of(listed, submission.discussion)
    assert entry.number == submission.registration_number
    assert SUBMISSION_TEXT not in entry.text
    assert entry.text == "The text is hidden by a moderator. Ground: other people's personal data."


def test_the_author_of_a_hidden_submission_is_told_why_it_is_gone(client, submission, moderator):
    hide_content(moderator=moderator, target=submission, ground="off_topic")
    client.force_login(submission.author)
    page = client.get(submission.get_absolute_url()).content.decode()
    assert "A moderator has hidden this submission from the public." in page


def test_hiding_upholds_the_open_complaints_and_restoring_dismisses_them(
    comment, resident, moderator
):
    complaint = report_content(reporter=resident, target=comment, reason="abuse")
    hide_content(moderator=moderator, target=comment, ground="obscene")
    complaint.refresh_from_db()
    assert (complaint.status, complaint.decided_by) == (Complaint.Status.UPHELD, moderator)
    restore_content(moderator=moderator, target=comment)
    complaint.refresh_from_db()
    assert complaint.status == Complaint.Status.DISMISSED


def test_a_resident_cannot_hide(client, comment, resident):
    with pytest.raises(PermissionDenied, match="Only moderators hide content"):
        hide_content(moderator=resident, target=comment, ground="obscene")
    assert SHOWN_TEXT in client.get(comment.problem.get_absolute_url()).content.decode()
    assert not AuditEvent.objects.filter(action="moderation.hidden").exists()


def test_a_resident_cannot_restore(comment, resident, moderator):
    hide_content(moderator=moderator, target=comment, ground="obscene")
    with pytest.raises(PermissionDenied, match="Only moderators restore content"):
        restore_content(moderator=resident, target=comment)
    comment.refresh_from_db()
    assert comment.hidden_at is not None
    assert not AuditEvent.objects.filter(action="moderation.restored").exists()


@pytest.mark.parametrize("role", [Membership.Role.OFFICIAL, Membership.Role.ORGANIZER])
def test_an_official_or_organizer_without_the_moderator_role_cannot_hide(comment, role):
    staff = make_staff(make_organization(), role)
    with pytest.raises(PermissionDenied):
        hide_content(moderator=staff, target=comment, ground="obscene")
    comment.refresh_from_db()
    assert comment.hidden_at is None


def test_a_superuser_may_hide(comment):
    hide_content(moderator=make_user(is_superuser=True), target=comment, ground="obscene")
    comment.refresh_from_db()
    assert comment.hidden_at is not None


def test_hiding_twice_or_restoring_what_is_shown_is_refused(comment, moderator):
    with pytest.raises(ValidationError, match="Not hidden"):
        restore_content(moderator=moderator, target=comment)
    hide_content(moderator=moderator, target=comment, ground="obscene")
    with pytest.raises(ValidationError, match="Already hidden"):
        hide_content(moderator=moderator, target=comment, ground="obscene")
    assert AuditEvent.objects.filter(action="moderation.hidden").count() == 1


@pytest.mark.parametrize("ground", ["", "  ", "insults", "OBSCENE"])
def test_hiding_needs_a_ground_from_the_published_list(comment, moderator, ground):
    with pytest.raises(ValidationError, match="Choose a ground from the published list"):
        hide_content(moderator=moderator, target=comment, ground=ground)
    comment.refresh_from_db()
    assert comment.hidden_at is None
    assert not Decision.objects.exists()


def test_hiding_an_unregistered_kind_is_refused(comment, moderator):
    with pytest.raises(ValidationError, match="is not moderated"):
        hide_content(moderator=moderator, target=comment.problem.territory, ground="obscene")


def test_a_dismissed_complaint_leaves_the_content_and_an_audit_row(comment, resident, moderator):
    complaint = report_content(reporter=resident, target=comment, reason="spam")
    dismiss_complaint(moderator=moderator, complaint=complaint)
    complaint.refresh_from_db()
    comment.refresh_from_db()
    assert (complaint.status, comment.hidden_at) == (Complaint.Status.DISMISSED, None)
    assert AuditEvent.objects.filter(action="moderation.dismissed", actor=moderator).exists()
    with pytest.raises(ValidationError, match="already been decided"):
        dismiss_complaint(moderator=moderator, complaint=complaint)
    with pytest.raises(PermissionDenied):
        dismiss_complaint(moderator=make_resident(comment.problem.territory), complaint=complaint)


def test_a_hidden_comment_is_not_offered_for_a_reply(client, comment, resident, moderator):
    hide_content(moderator=moderator, target=comment, ground="obscene")
    client.force_login(resident)
    page = client.get(comment.problem.get_absolute_url(), {"reply": comment.pk}).content.decode()
    assert "Replying to" not in page
