"""Who downloads which PDF: the public copy anyone, the addressee's copy its officials."""

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import make_organization, make_staff, make_user
from tests.sign_in import enter
from veche.appeals.models import Answer, Appeal, Problem
from veche.appeals.tests.documents.builders import signed_appeal
from veche.documents.models import IssuedDocument
from veche.documents.tests.reading import pdf_text
from veche.organizations.models import Membership

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def _official(organization, role=Membership.Role.OFFICIAL):
    official = make_staff(organization, role)
    return official


@pytest.fixture
def sent():
    return signed_appeal(signatures=3, status=Appeal.Status.SENT)


def _full(appeal):
    return reverse("appeals:appeal_full_pdf", args=[appeal.pk])


def test_anyone_may_download_the_public_copy(client, sent):
    response = client.get(reverse("appeals:appeal_pdf", args=[sent.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert sent.problem.title in text
    assert sent.signatures.first().postal_address not in text
    assert IssuedDocument.objects.get().for_addressee is False


def test_an_appeal_collecting_signatures_may_be_printed_too(client):
    appeal = signed_appeal(status=Appeal.Status.COLLECTING)
    response = client.get(reverse("appeals:appeal_pdf", args=[appeal.pk]))
    assert response.status_code == 200
    assert "NOT YET SENT" in pdf_text(response.content)


@pytest.mark.parametrize("where", ["appeal", "problem"])
def test_a_draft_is_not_public(client, where):
    appeal = signed_appeal(status=Appeal.Status.DRAFT)
    if where == "problem":
        appeal.status = Appeal.Status.COLLECTING
        appeal.save()
        Problem.objects.filter(pk=appeal.problem_id).update(status=Problem.Status.DRAFT)
    assert client.get(reverse("appeals:appeal_pdf", args=[appeal.pk])).status_code == 404


@pytest.mark.parametrize("role", [Membership.Role.OFFICIAL, Membership.Role.HEAD])
def test_an_official_of_the_addressee_gets_the_full_copy(client, sent, role):
    enter(client, _official(sent.organization, role))
    response = client.get(_full(sent))
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    text = pdf_text(response.content)
    for signature in sent.signatures.all():
        assert signature.postal_address in text
    assert IssuedDocument.objects.get().for_addressee is True


def test_a_stranger_is_refused_the_full_copy(client, sent):
    enter(client, make_user())
    assert client.get(_full(sent)).status_code == 403
    assert not IssuedDocument.objects.exists()


def test_an_official_of_another_organization_is_refused_the_full_copy(client, sent):
    enter(client, _official(make_organization()))
    assert client.get(_full(sent)).status_code == 403


def test_the_author_is_refused_the_full_copy(client, sent):
    enter(client, sent.problem.author)
    assert client.get(_full(sent)).status_code == 403


@pytest.mark.parametrize(
    "role", [Membership.Role.MODERATOR, Membership.Role.ORGANIZER, Membership.Role.EXPERT]
)
def test_other_staff_roles_of_the_addressee_are_refused_the_full_copy(client, sent, role):
    enter(client, _official(sent.organization, role))
    assert client.get(_full(sent)).status_code == 403


def test_an_anonymous_visitor_is_asked_to_sign_in(client, sent):
    response = client.get(_full(sent))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_the_addressee_gets_no_data_before_the_appeal_is_sent(client):
    appeal = signed_appeal(status=Appeal.Status.COLLECTING)
    enter(client, _official(appeal.organization))
    assert client.get(_full(appeal)).status_code == 403


def _answer(appeal, kind):
    return Answer.objects.create(
        appeal=appeal,
        organization=appeal.organization,
        official=make_staff(appeal.organization),
        kind=kind,
        text="The courtyard will be repaired.",
        created_at=timezone.now(),
    )


@pytest.mark.parametrize("kind", [Answer.Kind.FINAL, Answer.Kind.INTERIM])
def test_anyone_may_download_a_final_or_interim_answer(client, sent, kind):
    answer = _answer(sent, kind)
    response = client.get(reverse("appeals:answer_pdf", args=[answer.pk]))
    assert response.status_code == 200
    assert "The courtyard will be repaired." in pdf_text(response.content)


@pytest.mark.parametrize("kind", [Answer.Kind.EXTENSION, Answer.Kind.FORWARDING])
def test_notices_about_the_course_of_the_appeal_are_not_answer_documents(client, sent, kind):
    answer = _answer(sent, kind)
    assert client.get(reverse("appeals:answer_pdf", args=[answer.pk])).status_code == 404


def test_the_documents_keep_their_addresses():
    """Links to them were shared before the appeals took their documents over from documents."""
    assert reverse("appeals:appeal_pdf", args=[7]) == "/documents/appeal/7.pdf"
    assert reverse("appeals:appeal_full_pdf", args=[7]) == "/documents/appeal/7/full.pdf"
    assert reverse("appeals:answer_pdf", args=[8]) == "/documents/answer/8.pdf"
