"""The verification page of an appeal's or an answer's document, as the appeals registered their
kinds: named, its private copy explained without personal data, linked to its problem."""

import html

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import make_staff
from veche.appeals.documents import answer_pdf, appeal_pdf
from veche.appeals.models import Answer, Appeal, Problem
from veche.appeals.tests.documents.builders import signed_appeal
from veche.documents.models import IssuedDocument

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def sent():
    return signed_appeal(signatures=3, status=Appeal.Status.SENT)


def _page(client, document) -> str:
    response = client.get(reverse("documents:document", args=[document.code]))
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def test_the_addressee_copy_is_named_and_explained_without_personal_data(client, sent):
    appeal_pdf(sent, for_addressee=True)
    page = _page(client, IssuedDocument.objects.get())
    assert "Collective appeal" in page
    assert "addressee's copy" in page
    assert "It names the applicants and their addresses, so its content is not published." in page
    for signature in sent.signatures.all():
        assert signature.full_name not in page
        assert signature.postal_address not in page
        assert signature.email not in page


def test_the_page_of_an_appeal_links_to_its_problem(client, sent):
    appeal_pdf(sent, for_addressee=False)
    page = _page(client, IssuedDocument.objects.get())
    assert f'href="{sent.problem.get_absolute_url()}"' in page


def test_no_link_leads_to_a_problem_nobody_may_see(client, sent):
    appeal_pdf(sent, for_addressee=False)
    Problem.objects.filter(pk=sent.problem_id).update(status=Problem.Status.DRAFT)
    page = _page(client, IssuedDocument.objects.get())
    assert f'href="{sent.problem.get_absolute_url()}"' not in page
    assert "Collective appeal" in page  # the document itself stays verifiable


def test_the_page_of_an_answer_names_it_and_links_to_its_problem(client, sent):
    answer = Answer.objects.create(
        appeal=sent,
        organization=sent.organization,
        official=make_staff(sent.organization),
        kind=Answer.Kind.FINAL,
        text="The courtyard will be repaired.",
        created_at=timezone.now(),
    )
    answer_pdf(answer)
    page = _page(client, IssuedDocument.objects.get())
    assert "Answer to a collective appeal" in page
    assert "public copy" in page
    assert f'href="{sent.problem.get_absolute_url()}"' in page
