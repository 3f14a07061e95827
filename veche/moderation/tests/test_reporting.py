"""Reporting content: a complaint is kept once per person and item, about any registered kind,
and refused with a reason about anything else."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from tests.factories import make_resident, make_user
from veche.appeals.models import Comment
from veche.core.models import AuditEvent
from veche.discussions.models import Discussion
from veche.moderation import queries
from veche.moderation.models import Complaint
from veche.moderation.services import report_content

from .conftest import SUBMISSION_TEXT

pytestmark = pytest.mark.django_db
REPORT = reverse("moderation:report")


def test_a_report_through_the_form_is_stored_once_and_a_second_is_refused(
    client, comment, resident
):
    client.force_login(resident)
    form = {"comment": comment.pk, "reason": "abuse", "details": "Оскорбление"}
    first = client.post(REPORT, form, follow=True)
    assert (
        first.redirect_chain[0][0] == f"{comment.problem.get_absolute_url()}#comment-{comment.pk}"
    )
    assert "A moderator will look at it." in first.content.decode()
    second = client.post(REPORT, form, follow=True)
    assert "You have already reported this" in second.content.decode()
    complaint = Complaint.objects.about(comment).get()
    assert (complaint.target, complaint.reporter, complaint.reason) == (comment, resident, "abuse")
    assert complaint.details == "Оскорбление"
    assert AuditEvent.objects.filter(action="moderation.reported").count() == 1


def test_two_people_may_report_the_same_comment(comment, resident):
    report_content(reporter=resident, target=comment, reason="spam")
    report_content(reporter=make_user(), target=comment, reason="abuse")
    assert Complaint.objects.about(comment).count() == 2


def test_the_form_shows_the_comment_rendered_and_a_submission_as_text(client, comment, submission):
    client.force_login(make_user())
    page = client.get(REPORT, {"comment": comment.pk}).content.decode()
    assert "<strong>Баумана</strong>" in page
    assert f'name="comment" value="{comment.pk}"' in page
    page = client.get(REPORT, {"submission": submission.pk}).content.decode()
    assert SUBMISSION_TEXT in page
    assert f'name="submission" value="{submission.pk}"' in page


def test_a_submission_is_reported_from_its_page(client, submission):
    reporter = make_resident(submission.discussion.territory)
    client.force_login(reporter)
    page = client.get(submission.get_absolute_url()).content.decode()
    assert f"{REPORT}?submission={submission.pk}" in page
    response = client.post(REPORT, {"submission": submission.pk, "reason": "off_topic"})
    assert response.url == submission.get_absolute_url()
    assert Complaint.objects.about(submission).get().reporter == reporter


def test_reporting_an_unregistered_kind_is_refused_with_the_reason(comment, resident):
    with pytest.raises(
        ValidationError, match=r"Content of this kind \(territory\) is not moderated"
    ):
        report_content(reporter=resident, target=comment.problem.territory, reason="spam")
    assert not Complaint.objects.exists()


def test_reporting_a_comment_that_no_longer_exists_is_refused_with_the_reason(comment, resident):
    gone = Comment.objects.get(pk=comment.pk)
    Comment.objects.filter(pk=comment.pk).delete()
    with pytest.raises(ValidationError, match=f"Not found: comment No. {comment.pk}."):
        report_content(reporter=resident, target=gone, reason="spam")
    assert not Complaint.objects.exists()


def test_the_form_answers_an_unknown_kind_or_item_with_a_page_that_says_so(client, comment):
    client.force_login(make_user())
    response = client.get(REPORT, {"territory": comment.problem.territory_id})
    assert response.status_code == 404
    assert "names nothing that can be reported" in response.content.decode()
    response = client.post(REPORT, {"comment": comment.pk + 1000, "reason": "spam"})
    assert response.status_code == 404
    assert "Nothing of the kind “comment” with this number" in response.content.decode()
    assert not Complaint.objects.exists()


def test_a_hidden_item_cannot_be_reported(client, comment, resident):
    Comment.objects.filter(pk=comment.pk).update(hidden_at=timezone.now())
    comment.refresh_from_db()
    with pytest.raises(ValidationError, match="Already hidden by a moderator"):
        report_content(reporter=resident, target=comment, reason="spam")
    client.force_login(resident)
    assert client.post(REPORT, {"comment": comment.pk, "reason": "spam"}).status_code == 404
    assert not Complaint.objects.exists()


def test_a_submission_to_a_discussion_not_public_cannot_be_reported_nor_read(client, submission):
    # Scheduled and draft discussions are the organizer's: the form would show their text.
    Discussion.objects.filter(pk=submission.discussion_id).update(status=Discussion.Status.DRAFT)
    client.force_login(make_user())
    response = client.get(REPORT, {"submission": submission.pk})
    assert response.status_code == 404
    assert SUBMISSION_TEXT not in response.content.decode()


def test_a_persons_complaints_are_in_their_data_export_by_kind_and_id(
    comment, submission, resident
):
    report_content(reporter=resident, target=comment, reason="abuse")
    report_content(reporter=resident, target=submission, reason="spam")
    exported = queries.personal_data(resident)["complaints"]
    assert [(c["about"], c["id"], c["reason"]) for c in exported] == [
        ("comment", comment.pk, "abuse"),
        ("submission", submission.pk, "spam"),
    ]
