"""The author who sends the appeal himself (issue 10, item 4): he confirms that he read what the
addressee's full copy holds, the choice is recorded, the signatories hear of it, the public
timeline says so, and only then may he (and no one else but the addressee's officials) download
the full copy with the co-applicants' names and addresses, each download audited."""

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import make_user
from tests.outbox import deliver_everything
from tests.sign_in import enter
from veche.appeals.models import Appeal
from veche.appeals.services import record_sent_by_author, send_appeal_now
from veche.appeals.tests.documents.builders import signed_appeal
from veche.core.models import AuditEvent
from veche.documents.tests.reading import pdf_text
from veche.notifications.models import Notification

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def appeal():
    return signed_appeal(signatures=3, status=Appeal.Status.COLLECTING)


def _choose(client, appeal, **data):
    return client.post(reverse("appeals:sent_by_myself", args=[appeal.problem_id]), data)


def _full(client, appeal):
    return client.get(reverse("appeals:appeal_full_pdf", args=[appeal.pk]))


def _downloads():
    return AuditEvent.objects.filter(action="appeal.full_copy_downloaded")


def _co_applicants(appeal):
    return appeal.signatures.exclude(user=appeal.problem.author).select_related("user")


def test_without_the_confirmation_nothing_changes(client, appeal):
    enter(client, appeal.problem.author)
    page = client.get(_choose(client, appeal)["Location"]).content.decode()
    assert "only to the addressee" in page  # the error says what to confirm
    appeal.refresh_from_db()
    assert appeal.status == Appeal.Status.COLLECTING and not appeal.sent_by_author
    assert not AuditEvent.objects.filter(action="appeal.sent_by_author").exists()


def test_a_signatory_cannot_choose_for_the_author(client, appeal):
    enter(client, _co_applicants(appeal).first().user)
    _choose(client, appeal, understood="on")
    appeal.refresh_from_db()
    assert appeal.status == Appeal.Status.COLLECTING and not appeal.sent_by_author


def test_the_choice_is_recorded_told_and_shown(client, appeal):
    author = appeal.problem.author
    enter(client, author)
    _choose(client, appeal, understood="on")
    appeal.refresh_from_db()
    assert appeal.status == Appeal.Status.SENT and appeal.sent_by_author
    assert not appeal.dispatches.exists()  # Veche delivers nothing
    event = AuditEvent.objects.get(action="appeal.sent_by_author")
    assert event.actor == author and event.object_id == str(appeal.pk)
    assert event.data["organization"] == appeal.organization.slug

    deliver_everything()
    told = set(
        Notification.objects.filter(kind="appeal_sent_by_author").values_list("user", flat=True)
    )
    assert told == {signature.user_id for signature in _co_applicants(appeal)}
    notice = Notification.objects.filter(kind="appeal_sent_by_author").first()
    assert "postal address" in notice.body and appeal.organization.title in notice.body

    client.logout()  # the timeline is public
    page = client.get(appeal.problem.get_absolute_url()).content.decode()
    date = timezone.localtime(appeal.sent_at).strftime("%-d %B %Y")  # the city's day
    expected = f"The author sent the appeal to {appeal.organization.title} himself on {date}."
    assert expected in page


def test_the_author_downloads_the_full_copy_after_the_choice_and_each_download_is_audited(
    client, appeal
):
    author = appeal.problem.author
    enter(client, author)
    assert _full(client, appeal).status_code == 403  # not before the choice
    record_sent_by_author(author=author, appeal=appeal)
    page = client.get(appeal.problem.get_absolute_url()).content.decode()
    assert reverse("appeals:appeal_full_pdf", args=[appeal.pk]) in page
    for times in (1, 2):
        response = _full(client, appeal)
        assert response.status_code == 200
        assert response["Cache-Control"] == "private, no-store"
        assert _downloads().filter(actor=author).count() == times
    text = pdf_text(response.content)
    for signature in _co_applicants(appeal):
        assert signature.user.last_name in text
        assert signature.postal_address in text
    assert _downloads().first().data["by_author"] is True


@pytest.mark.parametrize("who", ["signatory", "stranger", "anonymous"])
def test_nobody_else_gets_the_authors_full_copy(client, appeal, who):
    record_sent_by_author(author=appeal.problem.author, appeal=appeal)
    if who == "signatory":
        enter(client, _co_applicants(appeal).first().user)
    elif who == "stranger":
        enter(client, make_user())
    response = _full(client, appeal)
    # Signed in, refused; anonymous, asked to sign in (the author whose session ended, too).
    if who == "anonymous":
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    else:
        assert response.status_code == 403
    assert b"%PDF" not in response.content
    assert not _downloads().exists()


def test_an_author_who_sends_his_own_appeal_himself_gets_no_one_elses(client, appeal):
    """IDOR: the permission is about this appeal, not about being such an author somewhere."""
    other = signed_appeal(signatures=2, status=Appeal.Status.COLLECTING)
    record_sent_by_author(author=other.problem.author, appeal=other)
    record_sent_by_author(author=appeal.problem.author, appeal=appeal)
    enter(client, other.problem.author)
    assert _full(client, other).status_code == 200
    assert _full(client, appeal).status_code == 403
    assert _downloads().count() == 1


def test_an_appeal_veche_delivered_gives_its_author_no_full_copy(client, appeal):
    send_appeal_now(author=appeal.problem.author, appeal=appeal)
    enter(client, appeal.problem.author)
    assert _full(client, appeal).status_code == 403
    assert not _downloads().exists()
