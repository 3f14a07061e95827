"""The public verification page: find a document by its code and check a copy of the file.
The page describes each document as the app that issued it registered its kind."""

import html

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.factories import make_user
from veche.documents.forms import MAX_COPY_BYTES
from veche.documents.models import IssuedDocument
from veche.documents.tests.samples import issue_sample

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("english", "sample_kind"),
]


@pytest.fixture
def issued():
    """A PDF of a private copy, and its registered document."""
    issued = issue_sample(for_addressee=True)
    return issued.pdf, issued.document


def _page(client, document) -> str:
    response = client.get(reverse("documents:document", args=[document.code]))
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def _upload(client, document, content: bytes):
    return client.post(
        reverse("documents:document", args=[document.code]),
        {"copy": SimpleUploadedFile("record.pdf", content, content_type="application/pdf")},
    )


def test_the_page_shows_what_was_issued_under_the_code(client, issued):
    _pdf, document = issued
    page = _page(client, document)
    assert document.title in page
    assert "Sample record" in page  # the kind's label, as its app registered it
    assert document.sha256 in page
    assert "addressee's copy" in page
    assert "It lists the people sampled, so its content is not published." in page


def test_a_public_copy_is_not_explained_as_a_private_one(client):
    document = issue_sample(for_addressee=False).document
    page = _page(client, document)
    assert "public copy" in page
    assert "It lists the people sampled" not in page


def test_the_page_links_to_what_the_document_documents_for_whom_its_kind_allows(client, issued):
    _pdf, document = issued
    link = f'href="/samples/{document.object_id}/"'
    assert link not in _page(client, document)  # the sample's kind shows it to nobody anonymous
    client.force_login(make_user())
    page = _page(client, document)
    assert link in page
    assert "The sampled organization" in page


def test_a_document_of_a_kind_no_app_registers_any_longer_stays_verifiable(client, issued):
    pdf, document = issued
    IssuedDocument.objects.filter(pk=document.pk).update(kind="retired")
    page = _page(client, document)
    assert document.title in page
    assert "Retired" in page  # named by its stored code
    assert "The copy matches." in _upload(client, document, pdf).content.decode()


def test_an_unknown_code_is_not_found(client, issued):
    assert client.get(reverse("documents:document", args=["0" * 20])).status_code == 404


def test_the_same_bytes_match(client, issued):
    pdf, document = issued
    response = _upload(client, document, pdf)
    assert response.status_code == 200
    assert "The copy matches." in response.content.decode()


def test_altered_bytes_do_not_match(client, issued):
    pdf, document = issued
    middle = len(pdf) // 2
    altered = pdf[:middle] + bytes([pdf[middle] ^ 1]) + pdf[middle + 1 :]  # one bit flipped
    page = _upload(client, document, altered).content.decode()
    assert "The copy does not match." in page
    assert "The copy matches." not in page


def test_another_issued_document_does_not_match(client, issued):
    _pdf, document = issued
    other = issue_sample(title="Sample record No. 2").pdf
    assert "The copy does not match." in _upload(client, document, other).content.decode()


def test_a_checked_copy_is_not_kept(client, issued, settings):
    pdf, document = issued
    _upload(client, document, pdf)
    assert IssuedDocument.objects.count() == 1
    assert not settings.MEDIA_ROOT.exists() or not any(settings.MEDIA_ROOT.rglob("*"))


def test_a_file_over_the_limit_is_refused_unread(client, issued):
    _pdf, document = issued
    response = _upload(client, document, b"%PDF" + b"0" * (MAX_COPY_BYTES + 100 * 1024))
    assert response.status_code == 413
    assert "too large" in response.content.decode()


def test_the_check_without_a_file_asks_for_one(client, issued):
    _pdf, document = issued
    response = client.post(reverse("documents:document", args=[document.code]), {})
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()


def test_the_code_form_leads_to_the_document(client, issued):
    _pdf, document = issued
    response = client.get(reverse("documents:verify"), {"code": document.code})
    assert response.status_code == 302
    assert response["Location"] == document.get_absolute_url()


def test_the_code_may_be_typed_in_capitals_with_spaces_and_dashes(client, issued):
    _pdf, document = issued
    typed = "-".join(document.code[i : i + 4] for i in range(0, 20, 4)).upper()
    response = client.get(reverse("documents:verify"), {"code": f" {typed} "})
    assert response["Location"] == document.get_absolute_url()


def test_an_unknown_code_in_the_form_is_an_error_on_the_form(client, issued):
    response = client.get(reverse("documents:verify"), {"code": "2" * 20})
    assert response.status_code == 200
    assert "No document has this code." in response.content.decode()


def test_the_code_form_page_opens_empty(client):
    response = client.get(reverse("documents:verify"))
    assert response.status_code == 200
    assert "errorlist" not in response.content.decode()
