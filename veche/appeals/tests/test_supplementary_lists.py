"""A supplementary list reaches the addressee: its letter over SMTP with the document, the
document verifiable like every Veche document, the public timeline and the official cabinet
showing the support it keeps gathering."""

import pytest
from django.urls import reverse

from tests.factories import make_problem, make_resident, make_staff, make_territory, make_user
from tests.servers import mail_server
from tests.sign_in import enter
from veche.appeals.models import Appeal, SupplementaryList
from veche.appeals.services import sign_appeal
from veche.core import outbox
from veche.core.models import AuditEvent, OutboxMessage
from veche.documents.models import IssuedDocument

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _tasks_are_queued(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


@pytest.fixture
def district():
    return make_territory("kazan-vakhitovsky", en="Vakhitovsky District")


@pytest.fixture
def supplementary(district):
    """Sent with 2 signatures; 2 more double the support and make the first list."""
    appeal = make_problem(territory=district, threshold=2).current_appeal
    for last_name in ("Первый", "Второй", "Третий"):
        sign_appeal(
            user=make_resident(district, last_name=last_name),
            appeal=Appeal.objects.get(pk=appeal.pk),
        )
    return SupplementaryList.objects.get(appeal=appeal)


@pytest.fixture
def smtp(settings):
    with mail_server() as controller:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = controller.hostname, controller.port
        settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        settings.EMAIL_TIMEOUT = 10
        yield controller.handler


def deliver(supplementary) -> str:
    message = OutboxMessage.objects.get(kind="appeals.supplementary_list")
    assert message.target_id == supplementary.pk
    return outbox.deliver(message.pk)


def test_the_list_reaches_the_addressees_appeals_address_over_smtp_with_its_pdf(
    supplementary, smtp
):
    assert deliver(supplementary) == "sent"
    [letter] = smtp.sent_to(supplementary.organization.dispatch_email)
    assert "Дополнительный список подписантов № 1" in letter["Subject"]
    body = letter.get_body(("plain",)).get_content()
    assert "№ 3–4" in body
    assert "срок ответа не меняется" in body
    [attachment] = list(letter.iter_attachments())
    assert attachment.get_filename() == f"appeal-{supplementary.appeal_id}-supplement-1.pdf"
    assert attachment.get_content().startswith(b"%PDF")


def test_the_list_is_sent_once(supplementary, smtp):
    assert deliver(supplementary) == "sent"
    assert deliver(supplementary) == "already handled"
    assert len(smtp.sent_to(supplementary.organization.dispatch_email)) == 1


def test_the_list_is_a_registered_document_for_the_addressee(supplementary, client):
    from veche.appeals.documents import supplementary_list_pdf

    supplementary_list_pdf(supplementary)
    document = IssuedDocument.objects.get(kind="supplementary")
    assert document.for_addressee
    assert "Дополнительный список № 1 к коллективному обращению" in document.title
    url = reverse("documents:document", args=[document.code])
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    assert "supplementary list of signatories" in page.content.decode().lower()


def test_the_public_timeline_tells_of_the_list_in_english(supplementary, client):
    html = client.get(
        supplementary.appeal.problem.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "Supplementary list of 2 signatures sent on" in html


def test_the_public_timeline_tells_of_the_list_in_russian(supplementary, client):
    html = client.get(
        supplementary.appeal.problem.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="ru"
    ).content.decode()
    assert "Дополнительный список из 2 подписей направлен" in html


def test_the_public_page_keeps_signing_open_after_the_dispatch(supplementary, client, district):
    enter(client, make_resident(district))
    html = client.get(
        supplementary.appeal.problem.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "Sign the appeal" in html
    assert "supplementary list each time the support doubles" in html


def test_the_cabinet_shows_the_support_since_the_dispatch_and_the_list(supplementary, client):
    appeal = supplementary.appeal
    sign_appeal(user=make_resident(appeal.problem.territory), appeal=appeal)  # 5: waits
    enter(client, make_staff(appeal.organization))
    html = client.get(
        reverse("cabinet:appeal", args=[appeal.pk]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "(+3 since it was sent)" in html
    assert "Supplementary list No. 1 (PDF)" in html
    assert "Первый" in html and "Второй" in html  # received in the list
    assert "supplementary list No. 1" in html


def test_a_signature_waiting_for_its_list_is_not_yet_the_addressees(supplementary, client):
    appeal = supplementary.appeal
    sign_appeal(user=make_resident(appeal.problem.territory, last_name="Ожидающий"), appeal=appeal)
    enter(client, make_staff(appeal.organization))
    html = client.get(reverse("cabinet:appeal", args=[appeal.pk])).content.decode()
    assert "Ожидающий" not in html


def test_the_inbox_shows_the_support_since_the_dispatch(supplementary, client):
    appeal = supplementary.appeal
    enter(client, make_staff(appeal.organization))
    html = client.get(
        reverse("cabinet:home") + "?section=all", HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "+2 since sent" in html


def test_an_official_downloads_the_list_and_it_is_recorded(supplementary, client):
    appeal = supplementary.appeal
    official = make_staff(appeal.organization)
    enter(client, official)
    response = client.get(reverse("appeals:supplementary_pdf", args=[appeal.pk, 1]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "private, no-store"
    event = AuditEvent.objects.get(action="appeal.supplementary_list_downloaded")
    assert event.actor_id == official.pk


def test_anyone_else_is_refused_the_list(supplementary, client):
    enter(client, make_user())
    response = client.get(reverse("appeals:supplementary_pdf", args=[supplementary.appeal_id, 1]))
    assert response.status_code == 403
    assert not AuditEvent.objects.filter(action="appeal.supplementary_list_downloaded").exists()


def test_a_list_goes_to_the_addressee_of_the_moment_it_is_made(district):
    """The appeal kept for signing may be a few seconds older than a forwarding: the list made
    by the signing that counts under the appeal's lock names the addressee the row has then."""
    from veche.organizations.models import Organization

    appeal = make_problem(territory=district, threshold=2).current_appeal
    for last_name in ("Первый", "Второй"):
        sign_appeal(user=make_resident(district, last_name=last_name), appeal=appeal)
    kept = Appeal.objects.select_related("organization").get(pk=appeal.pk)
    competent = Organization.objects.create(
        slug="competent", name={"ru": "Компетентная"}, dispatch_email="competent@example.org"
    )
    Appeal.objects.filter(pk=appeal.pk).update(organization=competent)

    sign_appeal(user=make_resident(district, last_name="Третий"), appeal=kept)

    made = SupplementaryList.objects.get(appeal=appeal)
    assert (made.organization, made.recipient) == (competent, "competent@example.org")
