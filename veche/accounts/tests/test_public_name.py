"""A person's name is public only in the form they consented to (docs/rules.md, 152-FZ)."""

import pytest
from django.utils import translation

from tests.factories import make_user

pytestmark = pytest.mark.django_db


def named_user(**fields):
    return make_user(last_name="Иванов", first_name="Иван", patronymic="Петрович", **fields)


def test_without_consent_the_public_sees_no_name_and_never_the_account_id():
    user = named_user()
    with translation.override("en"):
        assert user.public_name == "Participant"
    assert "Иванов" not in user.public_name
    assert str(user.pk) not in user.public_name


def test_consent_to_initials_shows_surname_and_initials():
    assert named_user(name_publication="initials").public_name == "Иванов И. П."


def test_consent_to_full_name_shows_the_full_name():
    assert named_user(name_publication="full").public_name == "Иванов Иван Петрович"


def test_consent_without_a_name_still_shows_no_name():
    user = make_user(name_publication="full")
    assert user.published_name == ""
    with translation.override("en"):
        assert user.public_name == "Participant"


def test_profile_records_consent_and_when_it_changed(client):
    user = named_user()
    client.force_login(user)
    response = client.post(
        "/accounts/profile/",
        {
            "last_name": "Иванов",
            "first_name": "Иван",
            "patronymic": "Петрович",
            "name_publication": "initials",
            "preferred_language": "en",
        },
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.name_publication == "initials"
    assert user.name_publication_changed_at is not None
    assert response.cookies["veche_language"].value == "en"


def test_profile_refuses_an_unknown_publication_form_and_changes_nothing(client):
    user = named_user()
    client.force_login(user)
    response = client.post(
        "/accounts/profile/",
        {
            "last_name": "Хакер",
            "first_name": "Иван",
            "patronymic": "",
            "name_publication": "everything",
            "preferred_language": "ru",
        },
    )
    assert response.status_code == 200
    user.refresh_from_db()
    assert user.last_name == "Иванов"
    assert user.name_publication == "none"


def test_profile_requires_sign_in(client):
    response = client.get("/accounts/profile/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
