"""What the published protocol and conclusion say of the participants, and what they never say:
a natural person (a sole trader too) by their participant number only, whatever their consent,
since the signed PDF is kept and served as it was; the annex with their identification data
handed out to the organizers only, each download audited; the DOCX copies made of any text."""

import pytest
from django.urls import reverse

from tests.factories import make_staff
from tests.sign_in import enter
from veche.accounts.services import erase_account
from veche.core.models import AuditEvent
from veche.discussions import records
from veche.discussions.records.handouts import ACTION
from veche.discussions.tests.records_cast import (
    PEOPLE,
    Basis,
    add_submission,
    conclude,
    docx_text,
    pdf_text,
    prepared,
    reviewed_discussion,
    sign,
)
from veche.organizations.models import Membership

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english_documents")]

SOLE_TRADER = {
    "legal_name": "ИП Зайцев Илья Петрович",
    "ogrn": "304169012345673",  # an OGRNIP: 15 digits, its check digit right
    "legal_address": "420012, г. Казань, ул. Щапова, д. 7",
}
# Every part of the residents' names: none may appear in a published document.
NAMES = {
    part for full_name, _publication, _birthdate in PEOPLE.values() for part in full_name.split()
}


def _served(client, discussion) -> dict[str, str]:
    """The text of the protocol and the conclusion as the site serves them to anyone."""
    return {
        name: pdf_text(client.get(reverse(f"discussions:{name}", args=[discussion.pk])).content)
        for name in ("protocol_pdf", "conclusion_pdf")
    }


def test_the_kept_documents_name_nobody_who_withdraws_consent_or_erases_the_account(client):
    discussion = reviewed_discussion()
    galiev = discussion.submissions.get(number=1)  # consented to publication in full
    petrova = discussion.submissions.get(number=2)  # consented to initials
    sign(discussion)
    conclude(discussion)
    galiev.author.name_publication = "none"
    galiev.author.save(update_fields=["name_publication"])
    erase_account(user=petrova.author)
    for name, text in _served(client, discussion).items():
        assert "CONCLUSION" in text or "PROTOCOL" in text
        assert not {part for part in NAMES if part in text}, name
        assert "Петрова А. С." not in text, name
        for submission in (galiev, petrova):
            assert f"Participant No. {submission.participant_number}" in text, name
        assert "ООО «Квартал»" in text, name  # a legal entity keeps its name


def test_a_sole_trader_is_a_person_in_the_documents_and_named_in_the_annex(client):
    discussion = reviewed_discussion()
    trader = add_submission(
        discussion,
        key="sidorov",
        basis=Basis.OTHER,
        legal_entity=SOLE_TRADER,
        text="Оставить проезд к магазину на улице Щапова.",
    )
    sign(discussion)
    conclude(discussion)
    for name, text in _served(client, discussion).items():
        assert "Зайцев" not in text, name
        assert f"Participant No. {trader.participant_number}" in text, name
        assert "ООО «Квартал»" in text, name
    assert "Зайцев" not in docx_text(records.protocol_docx(discussion))
    assert "Зайцев" not in docx_text(records.conclusion_docx(discussion))
    # Nor on the site, where the submission is shown as a person's would be.
    assert trader.public_author == f"Participant No. {trader.participant_number}"
    page = client.get(trader.get_absolute_url())
    assert page.status_code == 200 and "Зайцев" not in page.content.decode()
    enter(client, discussion.created_by)
    annex = pdf_text(prepared(client, discussion, "annex_pdf").content)
    assert "ИП Зайцев Илья Петрович" in annex and "OGRN 304169012345673" in annex


def test_the_protocol_says_how_it_names_the_participants():
    discussion = reviewed_discussion()
    sign(discussion)
    sentence = (
        "Natural persons, individual entrepreneurs included, are named by their participant "
        "number, legal entities by their name"
    )
    unhyphenated = pdf_text(records.protocol_pdf(discussion)).replace("\u2010 ", "")
    assert sentence in unhyphenated
    assert sentence in docx_text(records.protocol_docx(discussion))


# --- The annex handed out -------------------------------------------------------------------


def test_each_download_of_the_annex_is_an_audit_row(client):
    discussion = reviewed_discussion()
    sign(discussion)
    enter(client, discussion.created_by)
    assert prepared(client, discussion, "annex_pdf").status_code == 200
    url = reverse("discussions:annex_pdf", args=[discussion.pk])
    assert client.get(url).status_code == 200
    events = list(AuditEvent.objects.filter(action=ACTION).order_by("id"))
    assert len(events) == 2
    for event in events:
        assert event.actor == discussion.created_by
        assert event.object_id == str(discussion.pk)
        assert event.data["document"] == "annex" and event.data["form"] == "pdf"
        assert event.data["organization"] == discussion.organizer.slug


def test_documents_without_identification_data_and_refusals_are_not_audited(client):
    discussion = reviewed_discussion()
    enter(client, discussion.created_by)
    assert prepared(client, discussion, "protocol_draft_pdf").status_code == 200
    assert prepared(client, discussion, "protocol_docx").status_code == 200
    # An official registers paper submissions but does not manage the discussion: no annex.
    official = make_staff(discussion.organizer, Membership.Role.OFFICIAL)
    enter(client, official)
    url = reverse("discussions:annex_pdf", args=[discussion.pk])
    assert client.get(url).status_code == 403
    assert not AuditEvent.objects.filter(action=ACTION).exists()


def test_the_hand_out_refuses_whoever_does_not_manage_the_discussion():
    from django.core.exceptions import PermissionDenied

    discussion = reviewed_discussion()
    official = make_staff(discussion.organizer, Membership.Role.OFFICIAL)
    with pytest.raises(PermissionDenied):
        records.hand_out_identification(
            user=official, discussion=discussion, document="annex", form="pdf"
        )
    assert not AuditEvent.objects.filter(action=ACTION).exists()


# --- DOCX of any text ------------------------------------------------------------------------

CONTROLS = "Звонок\x07 и\x0b вертикальная\x01 табуляция\x1b\ufffe"


def test_control_characters_in_a_submission_do_not_break_the_docx_copies():
    discussion = reviewed_discussion()
    add_submission(discussion, key="sidorov", text=CONTROLS)
    sign(discussion)
    discussion.conclusion_text = "Вывод\x0b первый.\nВывод\x01 второй."
    for content in (records.protocol_docx(discussion), records.conclusion_docx(discussion)):
        text = docx_text(content)
        assert "Звонок и вертикальная табуляция" in text
    assert "Вывод первый." in text and "Вывод второй." in text
