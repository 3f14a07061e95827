"""Sign-in forms are redirected to an identity provider, and Chromium applies the
Content-Security-Policy's form-action to that redirect: every page allows the enabled
providers' origins, which identity registers with core's middleware."""

import pytest

from veche.identity.models import IdentityProvider

pytestmark = pytest.mark.django_db


def form_action(client) -> str:
    policy = client.get("/")["Content-Security-Policy"]
    return next(part for part in policy.split("; ") if part.startswith("form-action "))


def test_the_enabled_providers_origins_may_receive_forms(client):
    IdentityProvider.objects.create(
        slug="esia",
        name={"en": "Gosuslugi"},
        issuer="https://esia.example.org/realms/citizens",
        client_id="veche",
    )
    IdentityProvider.objects.create(
        slug="old",
        name={"en": "Retired provider"},
        issuer="https://old.example.org",
        client_id="veche",
        is_enabled=False,
    )
    allowed = form_action(client).split()
    assert "https://esia.example.org" in allowed
    assert "https://old.example.org" not in allowed
    assert allowed[1] == "'self'"


def test_without_providers_forms_go_only_to_this_site(client, settings):
    settings.CSP_FORM_ACTION_EXTRA = []
    assert form_action(client) == "form-action 'self'"
