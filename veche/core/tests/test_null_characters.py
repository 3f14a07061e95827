"""A null character anywhere in a request is refused with a 400 before any view sees it."""

import pytest

from tests.factories import make_user

pytestmark = pytest.mark.django_db


def test_a_null_character_in_a_query_is_refused(client):
    assert client.get("/problems/", {"q": "яма\x00"}).status_code == 400


def test_a_null_character_in_the_path_is_refused(client):
    assert client.get("/territories/%00/").status_code == 400


def test_a_null_character_in_a_form_field_is_refused(client):
    client.force_login(make_user())
    response = client.post("/problems/new/", {"title": "Яма\x00во дворе"})
    assert response.status_code == 400


def test_a_null_character_in_a_parameter_name_is_refused(client):
    assert client.get("/problems/?q\x00=1").status_code == 400


def test_ordinary_requests_pass(client):
    assert client.get("/problems/", {"q": "яма"}).status_code == 200
