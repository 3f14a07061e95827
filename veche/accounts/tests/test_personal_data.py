"""A person can download everything we hold about them and erase their account."""

import json

import pytest
from allauth.account.models import EmailAddress

from tests.factories import PASSWORD, make_organization, make_staff, make_territory, make_user
from veche.accounts.models import Consent, User
from veche.core.models import AuditEvent
from veche.identity.models import Level, Verification
from veche.identity.services import record_verification

pytestmark = pytest.mark.django_db


@pytest.fixture
def person():
    user = make_user("ada@example.org", last_name="Лавлейс", first_name="Ада")
    record_verification(
        user=user,
        level=Level.PROVIDER,
        source=Verification.Source.PROVIDER,
        source_reference="demo-esia",
        claims={"family_name": "Лавлейс"},
        territory=make_territory("kazan"),
    )
    return user


def test_export_holds_account_verifications_and_consents(client, person):
    client.force_login(person)
    client.post(
        "/accounts/profile/",
        {
            "last_name": "Лавлейс",
            "first_name": "Ада",
            "patronymic": "",
            "name_publication": "initials",
            "preferred_language": "ru",
        },
    )
    response = client.get("/accounts/profile/data.json")
    assert response["Content-Disposition"].startswith('attachment; filename="veche-my-data-')
    data = json.loads(response.content)
    assert data["account"]["email"] == "ada@example.org"
    assert data["verifications"][0]["verified_claims"]["claims"] == {"family_name": "Лавлейс"}
    assert data["verifications"][0]["territory"] == "kazan"
    assert [c["kind"] for c in data["consents"]] == ["publication", "processing"]
    assert data["consents"][0]["categories"] == ["name:initials"]


def test_withdrawing_publication_consent_is_recorded(client, person):
    client.force_login(person)
    form = {
        "last_name": "Лавлейс",
        "first_name": "Ада",
        "patronymic": "",
        "preferred_language": "ru",
    }
    client.post("/accounts/profile/", {**form, "name_publication": "full"})
    client.post("/accounts/profile/", {**form, "name_publication": "none"})
    consent = Consent.objects.get(user=person, kind="publication")
    assert consent.withdrawn_at is not None


def test_export_is_only_ever_one_own_data(client, person):
    other = make_user("bob@example.org")
    client.force_login(other)
    data = json.loads(client.get("/accounts/profile/data.json").content)
    assert data["account"]["email"] == "bob@example.org"
    assert "Лавлейс" not in json.dumps(data, ensure_ascii=False)


def test_erasing_removes_personal_data_and_keeps_an_anonymous_row(client, person):
    make_staff(make_organization())  # someone else's data stays untouched
    client.force_login(person)
    response = client.post("/accounts/profile/erase/", {"password": PASSWORD, "confirm": "on"})
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.email == f"erased-{person.pk}@erased.invalid"
    assert (person.last_name, person.first_name, person.is_active) == ("", "", False)
    assert not person.has_usable_password()
    assert not person.verifications.exists()
    assert not EmailAddress.objects.filter(user=person).exists()
    assert "_auth_user_id" not in client.session
    assert User.objects.count() == 2  # the row stays, anonymous
    assert AuditEvent.objects.filter(action="account.erased", object_id=str(person.pk)).exists()


def test_erasing_needs_the_password_and_changes_nothing_without_it(client, person):
    client.force_login(person)
    response = client.post("/accounts/profile/erase/", {"password": "wrong", "confirm": "on"})
    assert response.status_code == 200
    person.refresh_from_db()
    assert person.email == "ada@example.org"
    assert person.verifications.exists()


def test_erasing_ends_the_persons_sessions_on_every_device(client, person):
    """The other devices' sessions go with what signing in kept in them (the e-mail); another
    person's session stays."""
    from django.contrib.sessions.models import Session
    from django.test import Client

    from tests.outbox import deliver_everything

    phone, neighbour = Client(), Client()
    phone.post("/accounts/login/", {"login": "ada@example.org", "password": PASSWORD})
    neighbour.force_login(make_user("bob@example.org"))
    kept_on_phone = phone.session.session_key
    assert phone.session.get("_auth_user_id") == str(person.pk)
    assert "ada@example.org" in str(dict(phone.session))  # what signing in kept
    client.force_login(person)

    client.post("/accounts/profile/erase/", {"password": PASSWORD, "confirm": "on"})
    assert Session.objects.filter(session_key=kept_on_phone).exists()  # until the worker runs
    deliver_everything()

    assert not Session.objects.filter(session_key=kept_on_phone).exists()
    assert phone.get("/accounts/profile/").status_code == 302  # signed out there too
    assert Session.objects.filter(session_key=neighbour.session.session_key).exists()
    assert not any(
        "ada@example.org" in str(session.get_decoded()) for session in Session.objects.all()
    )
