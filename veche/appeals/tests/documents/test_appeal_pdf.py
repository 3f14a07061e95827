"""The collective appeal as a PDF document: content, privacy of the public copy, registration."""

import datetime

import pytest
from django.utils import timezone, translation

from veche.appeals.documents import APPEAL, appeal_pdf
from veche.appeals.models import Appeal, Revision, Signature
from veche.appeals.tests.documents.builders import signed_appeal
from veche.documents.models import IssuedDocument
from veche.documents.services import sha256_hex
from veche.documents.tests.reading import pdf_pages, pdf_text

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def _active(appeal: Appeal) -> list[Signature]:
    return list(appeal.signatures.filter(withdrawn_at__isnull=True).select_related("user"))


def test_the_document_carries_the_title_text_revision_and_signature_count():
    appeal = signed_appeal(signatures=4)
    text = pdf_text(appeal_pdf(appeal, for_addressee=False))
    assert "COLLECTIVE APPEAL" in text
    assert appeal.problem.title in text
    assert "ремонт так и не был выполнен" in text
    revision_date = appeal.current_revision.created_at
    assert f"Revision 1 of {timezone.localtime(revision_date):%d.%m.%Y}" in text
    assert "Signatures in all: 4" in text


def test_the_addressee_block_names_the_organization_and_its_address():
    appeal = signed_appeal()
    text = pdf_text(appeal_pdf(appeal, for_addressee=False))
    assert appeal.organization.name["en"] in text
    assert appeal.organization.postal_address in text


def test_the_public_copy_lists_every_signatory_under_the_public_name():
    appeal = signed_appeal(signatures=6)
    text = pdf_text(appeal_pdf(appeal, for_addressee=False))
    with translation.override("en"):
        names = [str(signature.user.public_name) for signature in _active(appeal)]
    assert len(names) == 6
    for name in names:
        assert name in text
    assert "Participant No." in text  # the ones who did not consent to publication


def test_the_public_copy_has_no_address_email_or_unpublished_name():
    appeal = signed_appeal(signatures=6)
    text = pdf_text(appeal_pdf(appeal, for_addressee=False))
    for signature in _active(appeal):
        assert signature.postal_address not in text
        assert signature.email not in text
        if signature.user.name_publication == "none":
            assert signature.full_name not in text


def test_the_addressee_copy_has_every_name_address_and_email():
    appeal = signed_appeal(signatures=6)
    text = pdf_text(appeal_pdf(appeal, for_addressee=True))
    for signature in _active(appeal):
        assert signature.full_name in text
        assert signature.postal_address in text
        assert signature.email in text


def test_the_author_is_named_with_address_only_in_the_addressee_copy():
    appeal = signed_appeal()
    author = appeal.signatures.get(user=appeal.problem.author)
    public = pdf_text(appeal_pdf(appeal, for_addressee=False))
    private = pdf_text(appeal_pdf(appeal, for_addressee=True))
    assert f"Author of the appeal: {author.full_name}" in public  # consented to publish in full
    assert author.postal_address not in public
    assert f"Postal address: {author.postal_address}" in private
    assert f"E-mail: {author.email}" in private


def test_withdrawn_signatures_are_not_listed_or_counted():
    appeal = signed_appeal(signatures=4)
    gone = appeal.signatures.exclude(user=appeal.problem.author).first()
    gone.withdrawn_at = timezone.now()
    gone.save()
    text = pdf_text(appeal_pdf(appeal, for_addressee=True))
    assert gone.full_name not in text
    assert "Signatures in all: 3" in text


def test_signatories_are_listed_in_the_order_they_signed():
    appeal = signed_appeal(signatures=4)
    text = pdf_text(appeal_pdf(appeal, for_addressee=True))
    names = [signature.full_name for signature in _active(appeal)]
    positions = [text.index(f"{number} {name}") for number, name in enumerate(names, start=1)]
    assert positions == sorted(positions)


def test_a_given_revision_is_printed_instead_of_the_current_one():
    appeal = signed_appeal()
    first = appeal.current_revision
    Revision.objects.create(
        appeal=appeal, number=2, text="Совсем другой текст второй редакции.", author=first.author
    )
    text = pdf_text(appeal_pdf(appeal, revision=first, for_addressee=False))
    assert "Revision 1 of" in text
    assert "Совсем другой текст" not in text
    assert "Revision 2 of" in pdf_text(appeal_pdf(appeal, for_addressee=False))


@pytest.mark.parametrize("status", [Appeal.Status.DRAFT, Appeal.Status.COLLECTING])
def test_an_appeal_not_yet_sent_is_marked_so(status):
    appeal = signed_appeal(status=status)
    text = pdf_text(appeal_pdf(appeal, for_addressee=False))
    assert "NOT YET SENT" in text


@pytest.mark.parametrize(
    "status", [Appeal.Status.SENT, Appeal.Status.REGISTERED, Appeal.Status.ANSWERED]
)
def test_a_sent_appeal_has_no_not_sent_mark(status):
    appeal = signed_appeal(status=status)
    text = pdf_text(appeal_pdf(appeal, for_addressee=True))
    assert "NOT YET SENT" not in text
    assert f"sent on {timezone.localtime(appeal.sent_at):%d.%m.%Y}" in text


def test_the_not_sent_mark_is_on_every_page():
    appeal = signed_appeal(signatures=60)
    pages = pdf_pages(appeal_pdf(appeal, for_addressee=False))
    assert len(pages) > 1
    assert all("NOT YET SENT" in page for page in pages)


def test_a_registered_appeal_shows_its_number_and_due_date():
    appeal = signed_appeal(status=Appeal.Status.REGISTERED)
    appeal.registration_number = "КО-123/26"
    appeal.registered_at = timezone.now()
    appeal.due_date = datetime.date(2026, 12, 2)
    appeal.save()
    text = pdf_text(appeal_pdf(appeal, for_addressee=False))
    assert "Registered by the addressee under No. КО-123/26" in text
    assert "The answer is due by 02.12.2026." in text


def test_pages_are_numbered_page_x_of_y():
    pages = pdf_pages(appeal_pdf(signed_appeal(signatures=60), for_addressee=False))
    assert f"page 1 of {len(pages)}" in pages[0]
    assert f"page {len(pages)} of {len(pages)}" in pages[-1]


def test_every_pdf_is_registered_with_its_hash_and_prints_its_code():
    appeal = signed_appeal()
    pdf = appeal_pdf(appeal, for_addressee=True)
    document = IssuedDocument.objects.get()
    assert document.kind == APPEAL
    assert (document.object_type, document.object_id) == ("appeals.appeal", str(appeal.pk))
    assert document.sha256 == sha256_hex(pdf)
    assert document.for_addressee is True
    assert document.language == "en"
    assert appeal.problem.title in document.title
    text = pdf_text(pdf)
    assert f"Verification code: {document.code}" in text
    url = f"https://veche.example.org/documents/verify/{document.code}/"
    assert url in text.replace(" ", "")  # the address wraps at the column's edge


def test_the_code_is_twenty_characters_that_survive_in_a_url():
    appeal_pdf(signed_appeal(), for_addressee=False)
    code = IssuedDocument.objects.get().code
    assert len(code) == 20
    assert code.isalnum()
    assert code == code.lower()


def test_the_same_content_downloaded_again_is_the_same_registered_document():
    appeal = signed_appeal()
    first = appeal_pdf(appeal, for_addressee=False)
    second = appeal_pdf(appeal, for_addressee=False)
    assert first == second
    assert IssuedDocument.objects.count() == 1


def test_the_same_content_renders_to_the_same_bytes_when_not_cached(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    appeal = signed_appeal()
    assert appeal_pdf(appeal, for_addressee=False) == appeal_pdf(appeal, for_addressee=False)
    assert IssuedDocument.objects.count() == 1


def test_a_new_signature_makes_a_new_document_with_a_new_code():
    appeal = signed_appeal(signatures=2)
    appeal_pdf(appeal, for_addressee=False)
    newcomer = appeal.signatures.exclude(user=appeal.problem.author).get()
    newcomer.pk, newcomer.user = None, type(newcomer.user).objects.create(email="new@example.org")
    newcomer.save()
    appeal_pdf(appeal, for_addressee=False)
    assert IssuedDocument.objects.count() == 2
    assert len(set(IssuedDocument.objects.values_list("code", flat=True))) == 2


def test_public_and_addressee_copies_are_separate_documents():
    appeal = signed_appeal()
    appeal_pdf(appeal, for_addressee=False)
    appeal_pdf(appeal, for_addressee=True)
    assert sorted(IssuedDocument.objects.values_list("for_addressee", flat=True)) == [False, True]


def test_the_document_is_in_the_site_language_with_cyrillic_text(settings):
    settings.LANGUAGE_CODE = "ru"
    appeal = signed_appeal()
    with translation.override("en"):  # the reader's language does not matter
        text = pdf_text(appeal_pdf(appeal, for_addressee=False))
    assert appeal.organization.name["ru"] in text
    assert "Мы, жители домов" in text
    assert IssuedDocument.objects.get().language == "ru"
