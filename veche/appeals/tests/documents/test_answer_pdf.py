"""The organization's answer as a PDF on its letterhead."""

import re

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from tests.factories import make_staff
from veche.appeals.documents import ANSWER, answer_pdf
from veche.appeals.models import Answer, Appeal
from veche.appeals.tests.documents.builders import signed_appeal
from veche.documents.models import IssuedDocument
from veche.documents.services import sha256_hex
from veche.documents.tests.reading import pdf_text
from veche.organizations.models import Membership

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

# The smallest valid PNG: one transparent pixel.
PIXEL = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000105a0d2a8500000000049454e44ae426082"
)


@pytest.fixture
def answer():
    appeal = signed_appeal(status=Appeal.Status.ANSWERED)
    appeal.registration_number = "КО-77/26"
    appeal.registered_at = timezone.now()
    appeal.save()
    organization = appeal.organization
    organization.letterhead_heading = {"en": "City of Kazan\nDistrict administration"}
    organization.letterhead_footer = {"en": "2 Testovaya St., Kazan · +7 843 000-00-00"}
    organization.signatory_title = {"en": "Head of the administration"}
    organization.save()
    official = make_staff(organization, first_name="Ildar", last_name="Khasanov")
    return Answer.objects.create(
        appeal=appeal,
        organization=organization,
        official=official,
        kind=Answer.Kind.FINAL,
        text="The courtyard will be repaired by 25 November.",
    )


def test_the_answer_is_printed_on_the_letterhead(answer):
    text = pdf_text(answer_pdf(answer))
    assert "CITY OF KAZAN DISTRICT ADMINISTRATION" in text  # the heading is set in capitals
    assert "Kazan · +7 843 000-00-00" in text
    assert "The courtyard will be repaired by 25 November." in text


def test_the_answer_refers_to_the_appeal_registration(answer):
    text = pdf_text(answer_pdf(answer))
    registered = timezone.localtime(answer.appeal.registered_at)
    assert f"In reply to No. КО-77/26 of {registered:%d.%m.%Y}" in text
    assert answer.appeal.problem.title in text


def test_the_answer_is_signed_with_the_title_and_the_officials_name(answer):
    text = pdf_text(answer_pdf(answer))
    assert "Head of the administration" in text
    assert "Khasanov Ildar" in text


def test_the_officials_own_position_comes_before_the_organizations_title(answer):
    Membership.objects.filter(user=answer.official).update(position="Deputy head for housing")
    text = pdf_text(answer_pdf(answer))
    assert "Deputy head for housing" in text
    assert "Head of the administration" not in text


def _images(pdf: bytes) -> int:
    return len(re.findall(rb"/Subtype\s*/Image", pdf))


def test_the_logo_is_embedded(answer):
    # The QR code is an image of every document: the logo adds its own (and, being
    # transparent, its alpha mask).
    without_logo = _images(answer_pdf(answer))
    answer.organization.logo.save("logo.png", ContentFile(PIXEL))
    assert _images(answer_pdf(answer)) > without_logo


def test_the_answer_is_registered_with_its_hash(answer):
    pdf = answer_pdf(answer)
    document = IssuedDocument.objects.get()
    assert document.kind == ANSWER
    assert (document.object_type, document.object_id) == ("appeals.answer", str(answer.pk))
    assert document.sha256 == sha256_hex(pdf)
    assert f"Verification code: {document.code}" in pdf_text(pdf)
