"""A request filed through Open311 by a resident the site pre-moderates is not public until a
moderator approves it: the POST answers GeoReport v2's token instead of an id, and
GET tokens/{token} gives the id once the request is published, never before."""

import pytest
from django.core import signing

from tests.factories import make_organization, make_staff
from veche.api.open311.queries import TOKEN_SALT
from veche.api.tests.conftest import filing, xml
from veche.appeals.models import Problem
from veche.moderation.services import approve_content, refuse_content
from veche.organizations.models import Membership

pytestmark = pytest.mark.django_db
B = "/open311/v2"


@pytest.fixture(autouse=True)
def _city(office, roads, settings):
    # The test's residents are in a census; the site holds everyone below an identity provider.
    settings.VECHE_PREMODERATION_BELOW_LEVEL = "provider"


@pytest.fixture
def moderator():
    return make_staff(make_organization(), Membership.Role.MODERATOR)


def _token(client, api_key) -> str:
    response = client.post(f"{B}/requests.json", filing(api_key))
    assert response.status_code == 201, response.content
    [answer] = response.json()
    assert set(answer) == {"token", "service_notice", "account_id"}
    assert "awaits moderation" in answer["service_notice"]
    return answer["token"]


def test_a_held_request_answers_a_token_and_no_id(client, api_key):
    token = _token(client, api_key)
    problem = Problem.objects.get()
    assert problem.status == Problem.Status.AWAITING
    [row] = client.get(f"{B}/tokens/{token}.json").json()
    assert row == {"token": token, "service_request_id": ""}
    assert client.get(f"{B}/requests/{problem.pk}.json").status_code == 404


def test_the_token_gives_the_id_once_a_moderator_approves(client, api_key, moderator):
    token = _token(client, api_key)
    approve_content(moderator=moderator, target=Problem.objects.get())
    root = xml(client.get(f"{B}/tokens/{token}.xml"))
    [request] = root
    pk = request.findtext("service_request_id")
    assert pk == str(Problem.objects.get().pk)
    assert request.findtext("token") == token
    assert client.get(f"{B}/requests/{pk}.json").status_code == 200


def test_a_refused_request_says_so(client, api_key, moderator):
    token = _token(client, api_key)
    refuse_content(moderator=moderator, target=Problem.objects.get(), ground="spam")
    response = client.get(f"{B}/tokens/{token}.json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 404
    assert "refused publication" in response.json()[0]["description"]


def test_a_forged_token_names_nothing(client, api_key):
    token = _token(client, api_key)
    pk = Problem.objects.get().pk
    forged = signing.dumps(pk + 1, salt="another salt")
    for candidate in (forged, token[:-2] + "xx", "1", str(pk)):
        assert client.get(f"{B}/tokens/{candidate}.json").status_code == 404
    # A token made for another purpose with the site's key is not a token either.
    assert client.get(f"{B}/tokens/{signing.dumps('x', salt=TOKEN_SALT)}.json").status_code == 404
