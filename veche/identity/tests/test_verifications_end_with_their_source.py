"""What a census list or an identity provider verified does not outlive it: a list made valid for
less time shortens its verifications, a list deleted revokes them; a provider that no longer
confirms a person's account, or that is disabled or deleted, takes its verifications back, and
one given another code takes them along. The person's level falls at once (the record eligibility
keeps in the cache is forgotten), and the audit rows count the verifications, naming nobody."""

import datetime
import json

import pytest
from allauth.socialaccount.models import SocialAccount, SocialLogin
from allauth.socialaccount.signals import social_account_updated
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.factories import make_territory, make_user
from tests.sign_in import enter
from veche.accounts.models import User
from veche.core.models import AuditEvent
from veche.identity.eligibility import person_facts
from veche.identity.models import IdentityProvider, Level
from veche.identity.services import (
    import_census,
    save_identity_provider,
    verify_by_census,
    verify_with_provider,
)

pytestmark = pytest.mark.django_db


def operator(*codenames: str) -> Client:
    user = make_user(is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    return enter(Client(HTTP_ACCEPT_LANGUAGE="en"), type(user).objects.get(pk=user.pk))


def level_of(person) -> int:
    """The level eligibility sees now, through the record it keeps in the cache."""
    return person_facts(User.objects.get(pk=person.pk)).level


def logged() -> str:
    return json.dumps(list(AuditEvent.objects.values_list("data", flat=True)), ensure_ascii=False)


# --- Census lists ------------------------------------------------------------------------------


def census_list(identifier: str, valid_until: datetime.date | None = None):
    uploader = make_user(is_staff=True)
    uploader.user_permissions.add(Permission.objects.get(codename="add_censusimport"))
    return import_census(
        territory=make_territory(),
        file_name="census.csv",
        content=f"identifier,birthdate\n{identifier},1990-04-12\n".encode(),
        uploaded_by=type(uploader).objects.get(pk=uploader.pk),
        valid_until=valid_until,
    )


def listed(identifier: str):
    person = make_user()
    verify_by_census(user=person, identifier=identifier, birthdate="12.04.1990")
    assert level_of(person) == Level.CENSUS  # and so kept in the cache
    return person


def test_a_list_made_valid_for_less_time_shortens_what_it_verified():
    census = census_list("9204 123456", valid_until=datetime.date(2099, 12, 31))
    census_list("9205 654321")  # another list, unchanged
    person, other = listed("9204 123456"), listed("9205 654321")
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    client = operator("view_censusimport", "change_censusimport", "add_censusimport")
    url = reverse("admin:identity_censusimport_change", args=[census.pk])
    assert client.post(url, {"valid_until": yesterday.isoformat()}).status_code == 302

    end_of_yesterday = timezone.make_aware(datetime.datetime.combine(yesterday, datetime.time.max))
    verification = person.verifications.get()
    assert verification.expires_at == end_of_yesterday
    facts = person_facts(User.objects.get(pk=person.pk))
    assert facts.level == Level.EMAIL
    assert facts.residence_path is None
    assert facts.expired_on == yesterday  # told why, as of any lapsed verification
    assert level_of(other) == Level.CENSUS
    event = AuditEvent.objects.get(action="census_import.verifications_shortened")
    assert event.data == {"verifications": 1, "expires_at": end_of_yesterday.isoformat()}

    # Made valid for longer again, the list verifies anew, but what it shortened stays so.
    assert client.post(url, {"valid_until": "2099-12-31"}).status_code == 302
    verification.refresh_from_db()
    assert verification.expires_at == end_of_yesterday
    assert AuditEvent.objects.filter(action="census_import.verifications_shortened").count() == 1


def test_a_deleted_list_takes_back_what_it_verified():
    census = census_list("9204 123456")
    census_list("9205 654321")
    person, other = listed("9204 123456"), listed("9205 654321")
    client = operator("view_censusimport", "delete_censusimport")
    url = reverse("admin:identity_censusimport_delete", args=[census.pk])
    assert client.post(url, {"post": "yes"}).status_code == 302

    assert person.verifications.get().revoked_at is not None
    assert level_of(person) == Level.EMAIL
    assert level_of(other) == Level.CENSUS
    event = AuditEvent.objects.get(action="census_import.deleted")
    assert (event.data["entries"], event.data["verifications_revoked"]) == (1, 1)
    assert "1990-04-12" not in logged()


# --- Identity providers ------------------------------------------------------------------------


@pytest.fixture
def provider(settings):
    settings.VECHE_OUTBOUND_ALLOWED_HOSTS = ["sso.example.org", "id.example.org"]
    return save_identity_provider(
        provider=IdentityProvider(
            slug="city-sso",
            name={"en": "City SSO", "ru": "Городской вход"},
            issuer="https://sso.example.org",
            client_id="veche",
            client_secret="the-secret",
            confirmed_claim="trusted",
            trust_framework="city",
        )
    )


@pytest.fixture
def another_provider():
    return save_identity_provider(
        provider=IdentityProvider(
            slug="bank-id",
            name={"en": "Bank ID"},
            issuer="https://id.example.org",
            client_id="veche",
        )
    )


def userinfo(sub: str = "1000321", **more) -> dict:
    return {
        "sub": sub,
        "trusted": True,
        "family_name": "Иванова",
        "given_name": "Мария",
        "birthdate": "1990-04-12",
        **more,
    }


def verified_by(provider: IdentityProvider, sub: str = "1000321"):
    person = make_user()
    verify_with_provider(user=person, provider=provider, data=userinfo(sub))
    assert level_of(person) == Level.PROVIDER
    return person


def provider_form(provider: IdentityProvider, **changes) -> dict:
    form = {
        "slug": provider.slug,
        "name": json.dumps(provider.name),
        "is_enabled": "on",
        "issuer": provider.issuer,
        "client_id": provider.client_id,
        "client_secret": "",
        "scopes": provider.scopes,
        "claim_mapping": "{}",
        "confirmed_claim": provider.confirmed_claim,
        "trust_framework": provider.trust_framework,
        "home_territory": "",
        "validity_days": "365",
    }
    return {name: value for name, value in {**form, **changes}.items() if value is not None}


def test_a_provider_that_no_longer_confirms_the_account_takes_its_verification_back(
    rf, provider, another_provider
):
    person = verified_by(provider)
    verify_with_provider(user=person, provider=another_provider, data=userinfo("77"))
    account = SocialAccount.objects.create(
        user=person,
        provider="city-sso",
        uid="1000321",
        extra_data={"userinfo": userinfo(trusted=False)},
    )
    # The next sign-in: the provider now says the account is not confirmed.
    social_account_updated.send(
        sender=SocialLogin,
        request=rf.get("/"),
        sociallogin=SocialLogin(user=person, account=account),
    )
    mine = person.verifications.get(source_reference="city-sso")
    assert mine.revoked_at is not None
    assert person.verifications.get(source_reference="bank-id").revoked_at is None
    event = AuditEvent.objects.get(action="identity.provider_confirmation_withdrawn")
    assert (event.actor_id, event.data) == (person.pk, {"source": "city-sso", "verifications": 1})
    # What the other provider confirmed still counts; once it says no more, nothing does.
    assert level_of(person) == Level.PROVIDER
    another_provider.confirmed_claim = "trusted"
    verify_with_provider(user=person, provider=another_provider, data={"sub": "77"})
    assert level_of(person) == Level.EMAIL


def test_a_disabled_provider_takes_back_what_it_verified(provider, another_provider):
    person, other = verified_by(provider), verified_by(another_provider)
    client = operator("view_identityprovider", "change_identityprovider")
    url = reverse("admin:identity_identityprovider_change", args=[provider.pk])
    assert client.post(url, provider_form(provider, is_enabled=None)).status_code == 302

    assert person.verifications.get().revoked_at is not None
    assert level_of(person) == Level.EMAIL
    assert level_of(other) == Level.PROVIDER
    event = AuditEvent.objects.get(action="identity_provider.verifications_revoked")
    assert event.data == {"slug": "city-sso", "verifications": 1}
    assert "Иванова" not in logged() and "1000321" not in logged()


def test_a_deleted_provider_takes_back_what_it_verified(provider, another_provider):
    person, other = verified_by(provider), verified_by(another_provider)
    client = operator("view_identityprovider", "delete_identityprovider")
    url = reverse("admin:identity_identityprovider_delete", args=[provider.pk])
    assert client.post(url, {"post": "yes"}).status_code == 302

    assert person.verifications.get().revoked_at is not None
    assert level_of(person) == Level.EMAIL
    assert level_of(other) == Level.PROVIDER
    event = AuditEvent.objects.get(action="identity_provider.deleted")
    assert event.data["verifications_revoked"] == 1


def test_a_provider_given_another_code_takes_what_it_verified_along(provider):
    person = verified_by(provider)
    client = operator("view_identityprovider", "change_identityprovider")
    url = reverse("admin:identity_identityprovider_change", args=[provider.pk])
    assert client.post(url, provider_form(provider, slug="kazan-sso")).status_code == 302

    verification = person.verifications.get()
    assert (verification.source_reference, verification.subject) == (
        "kazan-sso",
        "kazan-sso:1000321",
    )
    assert verification.revoked_at is None
    assert level_of(person) == Level.PROVIDER
    event = AuditEvent.objects.get(action="identity_provider.verifications_moved")
    assert event.data == {"from": "city-sso", "to": "kazan-sso", "verifications": 1, "revoked": 0}
    # Its account still verifies one Veche account only, under the new code…
    provider.refresh_from_db()
    with pytest.raises(ValidationError):
        verify_with_provider(user=make_user(), provider=provider, data=userinfo())
    # …and disabling the provider reaches it.
    form = provider_form(provider, is_enabled=None)
    assert client.post(url, form).status_code == 302
    assert level_of(person) == Level.EMAIL
