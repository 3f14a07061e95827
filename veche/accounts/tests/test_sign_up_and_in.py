"""Sign-up, e-mail confirmation, sign-in throttling and password storage."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import identify_hasher
from django.core import mail

from tests.factories import PASSWORD, make_user
from veche.accounts.models import User

pytestmark = pytest.mark.django_db


def sign_up(client, email="new.resident@example.org"):
    return client.post(
        "/accounts/signup/",
        {"email": email, "password1": PASSWORD, "password2": PASSWORD, "consent_processing": "on"},
    )


def confirmation_link():
    body = mail.outbox[-1].body
    return re.search(r"https?://[^/\s]+(/accounts/confirm-email/[^\s]+/)", body).group(1)


def test_sign_up_sends_a_confirmation_and_leaves_the_address_unverified(client):
    response = sign_up(client)
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["new.resident@example.org"]
    address = EmailAddress.objects.get(email="new.resident@example.org")
    assert not address.verified


def test_opening_the_confirmation_link_does_not_confirm(client):
    sign_up(client)
    link = confirmation_link()
    response = client.get(link)
    assert response.status_code == 200
    assert not EmailAddress.objects.get(email="new.resident@example.org").verified
    client.post(link)
    assert EmailAddress.objects.get(email="new.resident@example.org").verified


def test_unconfirmed_address_cannot_sign_in(client):
    sign_up(client)
    client.logout()
    response = client.post(
        "/accounts/login/", {"login": "new.resident@example.org", "password": PASSWORD}
    )
    assert "_auth_user_id" not in client.session
    assert response.status_code == 302
    assert "confirm-email" in response["Location"]


def test_confirmed_person_signs_in(client):
    make_user("ada@example.org")
    response = client.post("/accounts/login/", {"login": "ada@example.org", "password": PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"]


def test_sign_in_is_throttled_after_repeated_failures(client, settings):
    make_user("ada@example.org")
    for _ in range(5):
        client.post("/accounts/login/", {"login": "ada@example.org", "password": "wrong-password"})
    response = client.post("/accounts/login/", {"login": "ada@example.org", "password": PASSWORD})
    assert "_auth_user_id" not in client.session
    assert response.status_code in (200, 429)


def test_new_passwords_are_stored_with_argon2(client, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
    sign_up(client, "argon@example.org")
    assert (
        identify_hasher(User.objects.get(email="argon@example.org").password).algorithm == "argon2"
    )


def test_duplicate_sign_up_creates_no_second_account(client):
    make_user("ada@example.org")
    sign_up(client, "ADA@example.org")
    assert User.objects.filter(email__iexact="ada@example.org").count() == 1


def test_sign_up_records_the_consent_to_processing_with_its_version(client, settings):
    settings.VECHE_PRIVACY_POLICY_VERSION = "2026-11-01"
    sign_up(client)
    consent = User.objects.get(email="new.resident@example.org").consents.get()
    assert (consent.kind, consent.text_version, consent.withdrawn_at) == (
        "processing",
        "2026-11-01",
        None,
    )


def test_sign_up_without_consent_creates_nothing(client):
    response = client.post(
        "/accounts/signup/",
        {"email": "shy@example.org", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert response.status_code == 200
    assert not User.objects.filter(email="shy@example.org").exists()
    assert not mail.outbox
