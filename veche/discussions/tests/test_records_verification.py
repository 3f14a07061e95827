"""The verification page of a discussion's documents, as the discussions registered their kinds:
the protocol and the conclusion named and linked to their discussion, the participants' annex
explained as a private copy without showing anyone's data."""

import html

import pytest
from django.urls import reverse

from tests.sign_in import enter
from veche.discussions.models import Discussion
from veche.discussions.tests.records_cast import (
    PEOPLE,
    conclude,
    prepared,
    reviewed_discussion,
    sign,
)
from veche.documents.models import IssuedDocument

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _site(settings):
    settings.LANGUAGE_CODE = "en"
    settings.SITE_URL = "https://veche.example.org"


def _page(client, document) -> str:
    response = client.get(reverse("documents:document", args=[document.code]))
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def test_the_protocol_is_named_and_linked_to_its_discussion(client):
    discussion = reviewed_discussion()
    page = _page(client, sign(discussion))
    assert "Protocol of a public discussion" in page
    assert "public copy" in page
    assert f'href="{discussion.get_absolute_url()}"' in page


def test_the_conclusion_is_named_and_linked_to_its_discussion(client):
    discussion = reviewed_discussion()
    sign(discussion)
    page = _page(client, conclude(discussion))
    assert "Conclusion on the results of a public discussion" in page
    assert f'href="{discussion.get_absolute_url()}"' in page


def test_the_annex_is_a_private_copy_whose_page_shows_nobody_s_data(client):
    discussion = reviewed_discussion()
    sign(discussion)
    enter(client, discussion.created_by)
    assert prepared(client, discussion, "annex_pdf").status_code == 200
    client.logout()
    page = _page(client, IssuedDocument.objects.get(for_addressee=True))
    assert "addressee's copy" in page
    assert "It holds personal data of the discussion's participants" in page
    for full_name, _publication, birth_date in PEOPLE.values():
        assert full_name not in page
        assert f"{birth_date:%d.%m.%Y}" not in page


def test_no_link_leads_to_a_discussion_the_reader_may_not_see(client):
    discussion = reviewed_discussion()
    document = sign(discussion)
    Discussion.objects.filter(pk=discussion.pk).update(status=Discussion.Status.DRAFT)
    page = _page(client, document)
    assert f'href="{discussion.get_absolute_url()}"' not in page
    assert "Protocol of a public discussion" in page  # still verifiable
