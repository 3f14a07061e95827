"""An organization's system reads the submissions to its discussions through the API: an
official's client (every client is one, unless a head makes its account an organizer) gets them
without the participants' identification data; a client that may manage the discussion gets them
with it, and each page handed out is an audit row naming the client, as the annex's download is."""

import pytest

from tests.factories import make_discussion, make_resident
from veche.api.tests.conftest import bearer, issue, token_for
from veche.core.models import AuditEvent
from veche.discussions import services
from veche.discussions.records.handouts import ACTION
from veche.organizations.models import Membership

pytestmark = pytest.mark.django_db
PROPOSAL = "Сохранить все деревья вдоль улицы при реконструкции."


@pytest.fixture
def discussion(office, district):
    discussion = make_discussion(territory=district, organizer=office)
    resident = make_resident(district, last_name="Лавлейс", first_name="Ада")
    services.submit(user=resident, discussion=discussion, kind="proposal", text=PROPOSAL)
    return discussion


def _submissions(http, api_client, secret, discussion) -> list[dict]:
    token = token_for(http, api_client, secret)
    response = http.get(
        f"/api/v1/organizer/discussions/{discussion.pk}/submissions/", **bearer(token)
    )
    assert response.status_code == 200, response.content
    assert response["Cache-Control"] == "private, no-store"
    return response.json()["results"]


def test_an_officials_client_gets_the_submissions_without_identification_data(
    client, office, head, discussion
):
    api_client, secret = issue(office, head=head)
    [submission] = _submissions(client, api_client, secret, discussion)
    assert submission["text"] == PROPOSAL
    assert submission["participant_number"] == 1
    assert submission["participant"] == {}
    assert "Лавлейс" not in str(submission)
    assert not AuditEvent.objects.filter(action=ACTION).exists()


def test_a_client_that_manages_the_discussion_gets_the_identification_and_is_audited(
    client, office, head, discussion
):
    api_client, secret = issue(office, head=head)
    Membership.objects.filter(user=api_client.account).update(role=Membership.Role.ORGANIZER)
    [submission] = _submissions(client, api_client, secret, discussion)
    assert submission["participant"]["full_name"].startswith("Лавлейс")
    _submissions(client, api_client, secret, discussion)
    events = list(AuditEvent.objects.filter(action=ACTION))
    assert len(events) == 2  # one per page handed out
    for event in events:
        assert event.actor == api_client.account
        assert event.object_id == str(discussion.pk)
        assert event.data["document"] == "submissions" and event.data["form"] == "json"
        assert event.data["numbers"] == [1, 1]
        assert event.data["via"] == api_client.channel
