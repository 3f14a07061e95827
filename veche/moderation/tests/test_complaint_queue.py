"""The complaint queue in the admin: complaints about every registered kind, read through the
registry, and decided there by the services (hide, restore, dismiss) only by moderators."""

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import make_organization, make_resident, make_staff, make_user
from tests.sign_in import enter
from veche.appeals.services import add_comment
from veche.core.models import AuditEvent
from veche.moderation.models import Complaint
from veche.moderation.services import hide_content, report_content
from veche.organizations.models import Membership

from .conftest import SUBMISSION_TEXT

pytestmark = pytest.mark.django_db
QUEUE = "/admin/moderation/complaint/"


def staff_with_the_queue(role: str | None):
    """Staff who may open the queue; a moderator if `role` says so."""
    if role:
        person = make_staff(make_organization(), role, is_staff=True)
    else:
        person = make_user(is_staff=True)
    person.user_permissions.add(Permission.objects.get(codename="view_complaint"))
    return person


@pytest.fixture
def moderator_client(client):
    return enter(client, staff_with_the_queue(Membership.Role.MODERATOR))


def act(client, action: str, *complaints):
    return client.post(
        QUEUE,
        {"action": action, "index": "0", "_selected_action": [c.pk for c in complaints]},
        follow=True,
    )


def test_the_queue_shows_comments_and_submissions_with_links_to_their_pages(
    moderator_client, comment, submission, resident
):
    report_content(reporter=resident, target=comment, reason="abuse")
    report_content(reporter=resident, target=submission, reason="off_topic")
    page = moderator_client.get(QUEUE).content.decode()
    assert f'href="{comment.problem.get_absolute_url()}#comment-{comment.pk}"' in page
    assert "Яма на **Баумана**" in page
    assert f'href="{submission.get_absolute_url()}"' in page
    assert SUBMISSION_TEXT in page


def test_the_queue_can_be_narrowed_to_one_kind(moderator_client, comment, submission, resident):
    report_content(reporter=resident, target=comment, reason="abuse")
    report_content(reporter=resident, target=submission, reason="off_topic")
    page = moderator_client.get(QUEUE, {"kind": "submission"}).content.decode()
    assert SUBMISSION_TEXT in page
    assert "Баумана" not in page


def test_the_queue_reads_its_targets_in_a_query_per_kind_not_per_complaint(
    moderator_client, comment, resident
):
    def queries_for_the_page() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert moderator_client.get(QUEUE).status_code == 200
        return len(queries)

    report_content(reporter=resident, target=comment, reason="abuse")
    queries_for_the_page()  # the first request of a session does its own bookkeeping
    one = queries_for_the_page()
    for n in range(4):
        other = add_comment(author=resident, problem=comment.problem, text=f"Ещё {n}")
        report_content(reporter=make_user(), target=other, reason="spam")
    assert queries_for_the_page() == one


def test_a_moderator_hides_from_the_queue_with_an_audit_row(client, moderator_client, comment):
    complaints = [
        report_content(
            reporter=make_resident(comment.problem.territory), target=comment, reason="abuse"
        )
        for _ in range(2)
    ]
    response = act(moderator_client, "hide", *complaints)
    assert "1 item hidden." in response.content.decode()
    comment.refresh_from_db()
    assert comment.hidden_at is not None
    assert comment.hidden_reason == "obscene"  # the ground the reporter's reason names
    assert AuditEvent.objects.filter(action="moderation.hidden").count() == 1
    assert set(Complaint.objects.values_list("status", flat=True)) == {Complaint.Status.UPHELD}


def test_a_moderator_restores_from_the_queue_with_an_audit_row(moderator_client, comment, resident):
    complaint = report_content(reporter=resident, target=comment, reason="abuse")
    hide_content(moderator=make_user(is_superuser=True), target=comment, ground="obscene")
    response = act(moderator_client, "restore", complaint)
    assert "1 item restored." in response.content.decode()
    comment.refresh_from_db()
    assert comment.hidden_at is None
    assert AuditEvent.objects.filter(action="moderation.restored").count() == 1


def test_a_moderator_dismisses_from_the_queue(moderator_client, comment, resident):
    complaint = report_content(reporter=resident, target=comment, reason="spam")
    response = act(moderator_client, "dismiss", complaint)
    assert "1 complaint dismissed." in response.content.decode()
    complaint.refresh_from_db()
    comment.refresh_from_db()
    assert (complaint.status, comment.hidden_at) == (Complaint.Status.DISMISSED, None)


def test_staff_without_the_moderator_role_see_the_queue_but_cannot_decide(
    client, comment, resident
):
    enter(client, staff_with_the_queue(role=None))
    complaint = report_content(reporter=resident, target=comment, reason="abuse")
    page = client.get(QUEUE).content.decode()
    assert "Баумана" in page
    assert 'value="hide"' not in page
    act(client, "hide", complaint)
    comment.refresh_from_db()
    assert comment.hidden_at is None
    assert not AuditEvent.objects.filter(action="moderation.hidden").exists()


def test_a_complaint_about_content_deleted_since_is_listed_as_deleted(
    moderator_client, comment, resident
):
    report_content(reporter=resident, target=comment, reason="abuse")
    type(comment).objects.filter(pk=comment.pk).delete()
    response = moderator_client.get(QUEUE)
    assert response.status_code == 200
    assert "(deleted)" in response.content.decode()


def test_a_complaint_is_read_but_not_edited_in_the_admin(moderator_client, comment, resident):
    complaint = report_content(reporter=resident, target=comment, reason="abuse")
    page = moderator_client.get(f"{QUEUE}{complaint.pk}/change/").content.decode()
    assert "Яма на **Баумана**" in page
    assert 'name="status"' not in page
