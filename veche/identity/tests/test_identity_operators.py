"""Operators change identity's configuration in the admin: each change asks its permission, is
recorded with who changed what from what to what, and does what it says. A provider deleted or
renamed signs nobody in under its old code; its client secret is written, never shown or logged;
a census list's validity is set only by who may upload lists; pages that only show a row never
save it."""

import datetime
import json
from pathlib import Path

import pytest
from allauth.socialaccount.models import SocialApp
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.factories import make_territory, make_user
from tests.sign_in import enter
from veche.core.models import AuditEvent
from veche.identity.models import (
    CensusEntry,
    EligibilityRule,
    IdentityProvider,
    Level,
    PropertyClaim,
    Verification,
)
from veche.identity.phones import hash_phone
from veche.identity.services import (
    configuration,
    import_census,
    record_verification,
    save_identity_provider,
)

pytestmark = pytest.mark.django_db

SECRET = "s3cret-of-the-provider-never-shown"


def operator(*codenames: str) -> tuple[Client, object]:
    user = make_user(is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    user = type(user).objects.get(pk=user.pk)
    return enter(Client(HTTP_ACCEPT_LANGUAGE="en"), user), user


@pytest.fixture
def provider(settings):
    # The admin's form resolves the issuer's host: this one is allowed by the operators' list.
    settings.VECHE_OUTBOUND_ALLOWED_HOSTS = ["sso.example.org"]
    return save_identity_provider(
        provider=IdentityProvider(
            slug="city-sso",
            name={"en": "City SSO", "ru": "Городской вход"},
            issuer="https://sso.example.org",
            client_id="veche",
            client_secret=SECRET,
            trust_framework="city",
        )
    )


def login_apps() -> set[str]:
    return set(SocialApp.objects.values_list("provider_id", flat=True))


def provider_form(provider: IdentityProvider, **changes) -> dict:
    data = {
        "slug": provider.slug,
        "name": json.dumps(provider.name),
        "is_enabled": "on",
        "issuer": provider.issuer,
        "client_id": provider.client_id,
        "client_secret": "",
        "scopes": provider.scopes,
        "claim_mapping": "{}",
        "confirmed_claim": "",
        "trust_framework": "city",
        "home_territory": "",
        "validity_days": "365",
    }
    return {**data, **changes}


def errors(answer) -> str:
    """What the admin's form refused, for a failing assertion's message."""
    form = answer.context["adminform"].form if answer.context else None
    return str(form.errors) if form is not None else answer.content.decode()[:500]


def never_logged(secret: str) -> None:
    for data in AuditEvent.objects.values_list("data", flat=True):
        assert secret not in json.dumps(data, ensure_ascii=False)


# --- Providers ---------------------------------------------------------------------------------


def test_a_deleted_provider_signs_nobody_in_and_its_deletion_is_recorded(provider):
    client, user = operator("view_identityprovider", "delete_identityprovider")
    assert client.get("/accounts/oidc/city-sso/login/").status_code == 200
    url = reverse("admin:identity_identityprovider_delete", args=[provider.pk])
    assert client.post(url, {"post": "yes"}).status_code == 302
    assert not IdentityProvider.objects.exists()
    assert "city-sso" not in login_apps()
    assert client.get("/accounts/oidc/city-sso/login/").status_code == 404
    event = AuditEvent.objects.get(action="identity_provider.deleted")
    assert event.actor == user
    assert event.data["slug"] == "city-sso"
    assert event.data["client_secret"] == "(hidden)"
    never_logged(SECRET)


def test_a_renamed_provider_no_longer_signs_in_under_its_old_code(provider):
    client, user = operator("view_identityprovider", "change_identityprovider")
    url = reverse("admin:identity_identityprovider_change", args=[provider.pk])
    answer = client.post(url, provider_form(provider, slug="kazan-sso"))
    assert answer.status_code == 302, errors(answer)
    assert login_apps() == {"kazan-sso"}
    assert client.get("/accounts/oidc/city-sso/login/").status_code == 404
    event = AuditEvent.objects.get(action="identity_provider.changed")
    assert event.actor == user
    assert event.data == {"slug": ["city-sso", "kazan-sso"]}


def test_the_secret_is_written_never_shown_and_its_change_is_recorded_not_its_value(provider):
    client, _ = operator("view_identityprovider", "change_identityprovider")
    url = reverse("admin:identity_identityprovider_change", args=[provider.pk])
    assert SECRET not in client.get(url).content.decode()

    # Left empty, the box keeps the secret already set.
    assert client.post(url, provider_form(provider, client_id="veche-2")).status_code == 302
    provider.refresh_from_db()
    assert (provider.client_id, provider.client_secret) == ("veche-2", SECRET)
    assert SocialApp.objects.get(provider_id="city-sso").secret == SECRET

    fresh = "a-fresh-secret-from-the-provider"
    assert client.post(url, provider_form(provider, client_secret=fresh)).status_code == 302
    provider.refresh_from_db()
    assert provider.client_secret == fresh
    assert SocialApp.objects.get(provider_id="city-sso").secret == fresh
    last = AuditEvent.objects.filter(action="identity_provider.changed").latest("id")
    assert last.data == {"client_secret": ["(hidden)", "(hidden)"]}
    never_logged(SECRET)
    never_logged(fresh)


def test_who_may_only_look_at_a_provider_sees_whether_a_secret_is_set_not_the_secret(provider):
    client, _ = operator("view_identityprovider")
    page = client.get(reverse("admin:identity_identityprovider_change", args=[provider.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert SECRET not in html
    assert 'name="client_secret"' not in html
    assert '<div class="readonly">set</div>' in html


# --- Census lists ------------------------------------------------------------------------------


@pytest.fixture
def census():
    city = make_territory("kazan")
    uploader = make_user(is_staff=True)
    uploader.user_permissions.add(Permission.objects.get(codename="add_censusimport"))
    uploader = type(uploader).objects.get(pk=uploader.pk)
    content = "identifier,birthdate\n9204 123456,1990-04-12\n9205 654321,1985-02-28\n"
    return import_census(
        territory=city,
        file_name="census.csv",
        content=content.encode(),
        uploaded_by=uploader,
        valid_until=datetime.date(2026, 1, 1),
    )


def test_only_who_may_upload_lists_sets_how_long_one_is_valid(census):
    url = reverse("admin:identity_censusimport_change", args=[census.pk])
    changer, _ = operator("view_censusimport", "change_censusimport")
    changer.post(url, {"valid_until": "2099-12-31"})
    census.refresh_from_db()
    assert census.valid_until == datetime.date(2026, 1, 1)  # shown, not taken
    assert not AuditEvent.objects.filter(action="census_import.changed").exists()

    uploader, user = operator("view_censusimport", "change_censusimport", "add_censusimport")
    assert uploader.post(url, {"valid_until": "2027-06-30"}).status_code == 302
    census.refresh_from_db()
    assert census.valid_until == datetime.date(2027, 6, 30)
    event = AuditEvent.objects.get(action="census_import.changed")
    assert event.actor == user
    assert event.data == {"valid_until": ["2026-01-01", "2027-06-30"]}


def test_a_deleted_list_goes_with_its_entries_on_record(census):
    client, user = operator("view_censusimport", "delete_censusimport")
    url = reverse("admin:identity_censusimport_delete", args=[census.pk])
    assert client.post(url, {"post": "yes"}).status_code == 302
    assert not CensusEntry.objects.exists()
    event = AuditEvent.objects.get(action="census_import.deleted")
    assert event.actor == user
    assert event.data["entries"] == 2
    assert event.data["file_name"] == "census.csv"


# --- Eligibility rules -------------------------------------------------------------------------


def test_an_eligibility_rule_made_changed_and_deleted_is_on_record():
    districts = [make_territory(f"district-{n}") for n in range(3)]
    client, user = operator(
        "view_eligibilityrule",
        "add_eligibilityrule",
        "change_eligibilityrule",
        "delete_eligibilityrule",
    )
    form = {
        "action": EligibilityRule._meta.get_field("action").choices[0][0],
        "min_level": Level.EMAIL,
        "min_age": "18",
        "territories": [districts[0].pk, districts[1].pk],
        "content_type": "",
        "object_id": "",
    }
    answer = client.post(reverse("admin:identity_eligibilityrule_add"), form)
    assert answer.status_code == 302, errors(answer)
    rule = EligibilityRule.objects.get()
    created = AuditEvent.objects.get(action="eligibility_rule.created")
    assert created.actor == user and created.data["min_age"] == 18
    chosen = AuditEvent.objects.get(action="eligibility_rule.changed")
    assert chosen.data == {"territories": [[], [districts[0].pk, districts[1].pk]]}

    change = reverse("admin:identity_eligibilityrule_change", args=[rule.pk])
    answer = client.post(change, {**form, "min_age": "16", "territories": [districts[2].pk]})
    assert answer.status_code == 302
    changes = [
        event.data
        for event in AuditEvent.objects.filter(action="eligibility_rule.changed").order_by("id")
    ][1:]
    assert changes == [
        {"min_age": [18, 16]},
        {"territories": [[districts[0].pk, districts[1].pk], [districts[2].pk]]},
    ]

    delete = reverse("admin:identity_eligibilityrule_delete", args=[rule.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 302
    deleted = AuditEvent.objects.get(action="eligibility_rule.deleted")
    assert deleted.data["territories"] == [districts[2].pk]


# --- Pages that only show a row ----------------------------------------------------------------


def test_a_verifications_page_never_saves_it_and_its_deletion_is_recorded():
    person = make_user()
    verification = Verification.objects.create(
        user=person,
        level=Level.EMAIL,
        source=Verification.Source.OPERATOR,
        source_reference="createuser",
        verified_at=timezone.now(),
    )
    client, user = operator("view_verification", "change_verification", "delete_verification")
    url = reverse("admin:identity_verification_change", args=[verification.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"revoked_at_0": "", "level": Level.EMAIL}).status_code == 403
    delete = reverse("admin:identity_verification_delete", args=[verification.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 302
    event = AuditEvent.objects.get(action="verification.deleted")
    assert event.actor == user and event.data["user_id"] == person.pk


def declaration(tmp_path, settings) -> PropertyClaim:
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    return PropertyClaim.objects.create(
        user=make_user(),
        territory=make_territory("kazan"),
        kind=PropertyClaim._meta.get_field("kind").choices[0][0],
        cadastral_number="16:50:010101:1",
        document=SimpleUploadedFile("deed.pdf", b"%PDF-1.4 deed"),
    )


def test_a_declarations_page_never_saves_it_and_its_deletion_is_recorded(
    tmp_path, settings, django_capture_on_commit_callbacks
):
    claim = declaration(tmp_path, settings)
    path, person = Path(claim.document.path), claim.user
    client, user = operator("view_propertyclaim", "change_propertyclaim", "delete_propertyclaim")
    url = reverse("admin:identity_propertyclaim_change", args=[claim.pk])
    assert client.post(url, {"review_reason": "forged by an operator"}).status_code == 403
    claim.refresh_from_db()
    assert claim.review_reason == ""
    delete = reverse("admin:identity_propertyclaim_delete", args=[claim.pk])
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(delete, {"post": "yes"}).status_code == 302
    assert not path.exists()  # the scan goes with its declaration
    event = AuditEvent.objects.get(action="property_claim.deleted")
    assert event.actor == user
    assert event.data == {
        "user_id": person.pk,
        "territory_id": claim.territory_id,
        "kind": claim.kind,
        "status": "pending",
        "reviewed_by_id": None,
        "reviewed_at": None,
        "created_at": str(claim.created_at),
    }
    # Neither the cadastral number nor the document's name: the log outlives the person.
    dumped = json.dumps(event.data)
    assert "16:50:010101:1" not in dumped and "deed" not in dumped


def test_a_declaration_whose_deletion_is_rolled_back_keeps_its_document(
    tmp_path, settings, django_capture_on_commit_callbacks
):
    from django.db import transaction

    claim = declaration(tmp_path, settings)
    _, user = operator("delete_propertyclaim")
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        configuration.delete_property_claim(actor=user, claim=claim)
        raise RuntimeError("the request failed after the deletion")
    assert Path(PropertyClaim.objects.get().document.path).read_bytes() == b"%PDF-1.4 deed"


# --- No personal data in the log -------------------------------------------------------------


def test_a_deleted_verification_is_recorded_without_the_persons_data():
    """The audit log is kept when the person is erased (README, "Personal data"): a deleted
    verification leaves in it its ids and metadata, and a phone number masked."""
    person, district = make_user(), make_territory("kazan-vakhitovsky")
    phone = record_verification(
        user=person,
        level=Level.PHONE,
        source=Verification.Source.PHONE,
        source_reference="phone:" + hash_phone("+79161234567"),
        claims={"phone_number": "+79161234567", "phone_number_verified": True},
    )
    provider = record_verification(
        user=person,
        level=Level.PROVIDER,
        source=Verification.Source.PROVIDER,
        source_reference="city-sso",
        subject="city-sso:sub-3141592",
        claims={
            "family_name": "Иванова",
            "given_name": "Мария",
            "address": {"formatted": "Казань, ул. Баумана, д. 1, кв. 7"},
        },
        birthdate=datetime.date(1990, 4, 12),
        territory=district,
        valid_for=datetime.timedelta(days=365),
    )
    census = record_verification(
        user=person,
        level=Level.CENSUS,
        source=Verification.Source.CENSUS,
        source_reference="census:7",
        subject="a1b2c3d4e5f6-the-entrys-keyed-hash",
        claims={"birthdate": "1990-04-12", "address": {"formatted": "ул. Пушкина 5"}},
        birthdate=datetime.date(1990, 4, 12),
        territory=district,
    )
    client, user = operator("view_verification", "delete_verification")
    for verification in (phone, provider, census):
        delete = reverse("admin:identity_verification_delete", args=[verification.pk])
        assert client.post(delete, {"post": "yes"}).status_code == 302
    events = {
        int(event.object_id): event.data
        for event in AuditEvent.objects.filter(action="verification.deleted")
    }
    dumped = json.dumps(list(events.values()), ensure_ascii=False)
    for personal in (
        "+79161234567",
        "916123",
        "Иванова",
        "Мария",
        "Баумана",
        "Пушкина",
        "1990-04-12",
        "sub-3141592",
        "the-entrys-keyed-hash",
    ):
        assert personal not in dumped
    assert events[phone.pk]["phone_number"] == "+7 916 ***-**-67"
    assert events[provider.pk] == {
        "user_id": person.pk,
        "level": Level.PROVIDER,
        "source": "provider",
        "source_reference": "city-sso",
        "territory_id": district.pk,
        "verified_at": str(provider.verified_at),
        "expires_at": str(provider.expires_at),
        "revoked_at": None,
    }
    assert events[census.pk]["source_reference"] == "census:7"
    assert not Verification.objects.exists()
    assert all(
        event.actor == user for event in AuditEvent.objects.filter(action="verification.deleted")
    )
