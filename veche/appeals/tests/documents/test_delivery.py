"""The addressee's copy of an appeal built through the appeals' own services, as dispatched."""

import pytest

from tests.factories import make_problem, make_resident, make_territory
from veche.appeals.documents import appeal_pdf
from veche.appeals.models import Dispatch
from veche.appeals.services import send_appeal_now, sign_appeal
from veche.documents.models import IssuedDocument
from veche.documents.services import sha256_hex
from veche.documents.tests.reading import pdf_text

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def test_the_dispatched_revision_names_the_signatories_as_they_signed():
    district = make_territory()
    appeal = make_problem(territory=district).current_appeal
    neighbour = make_resident(district, last_name="Соседова", first_name="Мария")
    sign_appeal(user=neighbour, appeal=appeal)
    send_appeal_now(author=appeal.problem.author, appeal=appeal)
    dispatch = Dispatch.objects.select_related("appeal__problem", "organization").get()

    # What veche.appeals.delivery attaches to the e-mail.
    pdf = appeal_pdf(dispatch.appeal, revision=dispatch.revision, for_addressee=True)

    document = IssuedDocument.objects.get()
    assert document.for_addressee is True
    assert document.sha256 == sha256_hex(pdf)
    text = pdf_text(pdf)
    assert "Соседова Мария" in text
    assert neighbour.email in text
    assert "Signatures in all: 2" in text
    assert "NOT YET SENT" not in text
