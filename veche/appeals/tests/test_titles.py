"""A problem's title is kept on one line, whatever the author's browser sent: it becomes the
subject of the e-mail that carries the appeal, where a line break is refused."""

import pytest

from tests.factories import (
    APPEAL_TEXT,
    make_category,
    make_organization,
    make_resident,
    make_territory,
)
from veche.appeals.models import Dispatch, Problem
from veche.appeals.tasks import deliver_dispatch

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = "https://veche.example.org"


def test_a_title_with_a_line_break_is_stored_on_one_line_and_its_appeal_is_delivered(
    client, mailoutbox
):
    district = make_territory()
    office = make_organization(jurisdiction=[district])
    author = make_resident(district)
    client.force_login(author)
    response = client.post(
        "/problems/new/",
        {
            "title": "Ямы во дворе\r\nBcc: everyone@example.org\u202e",
            "category": make_category().pk,
            "territory": district.pk,
            "organization": office.pk,
            "description": "Яма мешает проезду уже месяц.",
            "appeal_text": APPEAL_TEXT,
            "confirm": "publish",
        },
    )
    assert response.status_code == 302
    problem = Problem.objects.get()
    assert problem.title == "Ямы во дворе Bcc: everyone@example.org"

    assert client.post(f"/problems/{problem.pk}/send/").status_code == 302
    dispatch = Dispatch.objects.get()
    assert deliver_dispatch.call(dispatch.pk) == "sent"
    (message,) = mailoutbox
    assert message.to == [office.dispatch_email]
    assert "Ямы во дворе Bcc: everyone@example.org" in message.subject
    assert message.message()["Bcc"] is None
