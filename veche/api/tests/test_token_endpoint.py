"""The token endpoint (Django OAuth Toolkit's, outside DRF) is throttled per client_id and per
address: each try checks a client's secret with the password hasher, costly on purpose (Argon2
in production), so guessing must not be free. Past the rate: 429 problem details with
Retry-After, and no secret is checked."""

import base64

import pytest

from veche.api.tests.conftest import issue

pytestmark = pytest.mark.django_db
TOKEN_URL = "/api/v1/oauth/token/"


def ask(http, client_id: str, secret: str, **extra):
    credentials = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
    return http.post(
        TOKEN_URL,
        {"grant_type": "client_credentials"},
        HTTP_AUTHORIZATION=f"Basic {credentials}",
        **extra,
    )


def test_guesses_at_one_clients_secret_are_throttled(client, office, settings):
    settings.VECHE_API_TOKEN_CLIENT_PER_MINUTE = 3
    api_client, secret = issue(office)
    codes = [ask(client, api_client.client_id, "guess").status_code for _ in range(3)]
    assert codes == [401, 401, 401]
    refused = ask(client, api_client.client_id, secret)  # even the right one, for now
    assert refused.status_code == 429
    assert refused["Content-Type"] == "application/problem+json"
    assert 0 < int(refused["Retry-After"]) <= 60
    assert "access_token" not in refused.content.decode()


def test_another_client_from_the_same_address_still_gets_its_token(client, office, settings):
    settings.VECHE_API_TOKEN_CLIENT_PER_MINUTE = 2
    guessed, _ = issue(office)
    other, secret = issue(office)
    for _ in range(3):
        ask(client, guessed.client_id, "guess")
    answer = ask(client, other.client_id, secret)
    assert answer.status_code == 200
    assert answer.json()["access_token"]


def test_tries_from_one_address_are_throttled_whatever_client_they_name(client, settings):
    settings.VECHE_API_TOKEN_ADDRESS_PER_MINUTE = 3
    codes = [ask(client, f"client-{n}", "guess").status_code for n in range(4)]
    assert codes == [401, 401, 401, 429]
    # The client_id may come in the body too; it is the same address.
    body = client.post(
        TOKEN_URL,
        {"grant_type": "client_credentials", "client_id": "x", "client_secret": "y"},
        HTTP_ACCEPT_LANGUAGE="ru",
    )
    assert body.status_code == 429
    assert "Слишком много запросов токена" in body.json()["detail"]
