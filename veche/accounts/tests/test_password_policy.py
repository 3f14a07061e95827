"""Passwords are at least 12 characters long (ASVS 2.1.1)."""

import pytest

from veche.accounts.models import User

pytestmark = pytest.mark.django_db


def sign_up(client, password: str):
    return client.post(
        "/accounts/signup/",
        {
            "email": "new.resident@example.org",
            "password1": password,
            "password2": password,
            "consent_processing": "on",
        },
    )


def test_an_eleven_character_password_is_refused(client):
    response = sign_up(client, "kvas-lapti9")
    assert response.status_code == 200
    assert not User.objects.filter(email="new.resident@example.org").exists()


def test_a_twelve_character_password_is_accepted(client):
    response = sign_up(client, "kvas-lapti9!")
    assert response.status_code == 302
    assert User.objects.filter(email="new.resident@example.org").exists()
