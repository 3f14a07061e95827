"""The letter taking up a problem reaches the addressee's appeals e-mail through a real SMTP
server, with its PDF, once — before the appeal itself when the appeal still collects signatures."""

import io

import pytest
from pypdf import PdfReader

from tests.servers import mail_server
from veche.appeals.models import TAKE_UP_KIND
from veche.appeals.services import take_up_problem
from veche.appeals.tests.take_up_cast import LETTER, make_cast
from veche.core import outbox
from veche.core.models import OutboxMessage

pytestmark = pytest.mark.django_db


@pytest.fixture
def smtp(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    with mail_server() as controller:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = controller.hostname, controller.port
        settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        settings.EMAIL_TIMEOUT = 10
        yield controller.handler


@pytest.fixture
def letter():
    cast = make_cast()
    take_up = take_up_problem(
        official=cast.deputy_head, problem=cast.problem, organization=cast.deputy, text=LETTER
    )
    return cast, take_up, OutboxMessage.objects.get(kind=TAKE_UP_KIND, target_id=take_up.pk)


def test_the_letter_arrives_at_the_addressees_appeals_e_mail_with_its_pdf(smtp, letter):
    cast, take_up, message = letter
    assert outbox.deliver(message.pk) == "sent"
    [received] = smtp.wait_for(1)
    assert received["To"] == cast.office.dispatch_email
    assert received["Message-ID"] == message.message_id
    assert "Депутат Городской думы Иванова М. П." in received["Subject"]
    body = received.get_body(preferencelist=("plain",)).get_content()
    assert "яма во дворе опасна для детей" in body
    assert take_up.document.get_absolute_url() in body
    [attachment] = list(received.iter_attachments())
    assert attachment.get_filename() == f"take-up-{take_up.pk}.pdf"
    pdf = attachment.get_content()
    assert take_up.document.code in PdfReader(io.BytesIO(pdf)).pages[0].extract_text()


def test_the_letter_goes_once(smtp, letter):
    _cast, _take_up, message = letter
    assert outbox.deliver(message.pk) == "sent"
    assert outbox.deliver(message.pk) == "already handled"
    smtp.wait_for(1)
    assert len(smtp.messages) == 1


def test_the_letter_goes_before_the_appeal_is_dispatched(smtp, letter):
    cast, _take_up, message = letter
    cast.appeal.refresh_from_db()
    assert cast.appeal.status == "collecting"
    assert outbox.deliver(message.pk) == "sent"
    assert [m["To"] for m in smtp.wait_for(1)] == [cast.office.dispatch_email]
