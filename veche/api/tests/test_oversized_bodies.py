"""A body past Django's upload limits is refused in the API's own format (problem details),
whether it is JSON, a form or multipart, and changes nothing; the site's pages keep Django's
own refusal."""

import pytest
from django.test import override_settings

from tests.factories import make_resident, make_user
from veche.api.tests.conftest import bearer, issue, token_for
from veche.appeals.models import Appeal
from veche.cabinet.tests.builders import sent_appeal

pytestmark = pytest.mark.django_db


@pytest.fixture
def token(client, office, head):
    return token_for(client, *issue(office, head=head))


@pytest.fixture
def sent(office, district):
    return sent_appeal(office, district, neighbour=make_resident(district))


def _register(client, token, sent, **how):
    return client.post(f"/api/v1/inbox/{sent.pk}/register/", **how, **bearer(token))


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=2_000)
@pytest.mark.parametrize("content_type", ["application/json", None])
def test_a_body_past_the_limit_is_a_413_problem(client, token, sent, content_type):
    body = {"registration_number": "ВХ-1", "registered_on": "2026-12-01", "x": "я" * 3_000}
    how = {"data": body} | ({"content_type": content_type} if content_type else {})
    response = _register(client, token, sent, **how)
    assert response.status_code == 413, response.content
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["detail"] == "The request is too large."
    sent.refresh_from_db()
    assert sent.status == Appeal.Status.SENT


@override_settings(DATA_UPLOAD_MAX_NUMBER_FIELDS=5)
def test_a_form_of_too_many_fields_is_a_400_problem(client, token, sent):
    fields = {f"field{number}": "1" for number in range(10)}
    response = _register(client, token, sent, data={"registration_number": "ВХ-1", **fields})
    assert response.status_code == 400, response.content
    assert response.json()["detail"] == "The request has too many fields or files."
    sent.refresh_from_db()
    assert sent.status == Appeal.Status.SENT


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=2_000)
def test_a_page_keeps_djangos_refusal(client):
    client.force_login(make_user())
    response = client.post("/problems/new/", {"title": "Яма", "description": "я" * 3_000})
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
