"""No use of the site before a consent to processing under the current policy (152-FZ),
whatever the way in: the sign-up form, an identity provider, an account made by an operator."""

import pytest
import requests
from django.conf import settings

from tests import idp_fixture
from tests.factories import PASSWORD, make_user
from veche.accounts.models import Consent, User
from veche.core.models import AuditEvent
from veche.identity.tests.test_oidc_sign_in import (
    agree_to_processing,
    consent_at_provider,
    start_sign_in,
    veche,  # noqa: F401 (fixture)
)

demo_idp = idp_fixture.demo_idp


def current_consents(user):
    return Consent.objects.filter(
        user=user, kind=Consent.Kind.PROCESSING, withdrawn_at__isnull=True
    )


@pytest.mark.django_db
def test_a_person_without_consent_is_sent_to_give_it_first(client):
    person = make_user(processing_consent=False)  # an account an operator made
    client.force_login(person)
    response = client.get("/problems/?page=2")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/consent/?next=%2Fproblems%2F%3Fpage%3D2"


@pytest.mark.django_db
def test_the_consent_is_recorded_with_the_policy_version_and_an_audit_row(client, settings):
    settings.VECHE_PRIVACY_POLICY_VERSION = "2027-01-15"
    person = make_user(processing_consent=False)
    client.force_login(person)
    response = client.post("/accounts/consent/", {"consent_processing": "on", "next": "/problems/"})
    assert response["Location"] == "/problems/"
    assert [c.text_version for c in current_consents(person)] == ["2027-01-15"]
    event = AuditEvent.objects.get(action="consent.processing_given")
    assert (event.actor, event.data) == (person, {"text_version": "2027-01-15"})
    assert client.get("/problems/").status_code == 200


@pytest.mark.django_db
def test_without_the_box_ticked_nothing_is_recorded_and_the_gate_stays(client):
    person = make_user(processing_consent=False)
    client.force_login(person)
    assert client.post("/accounts/consent/", {"next": "/problems/"}).status_code == 200
    assert not current_consents(person).exists()
    assert client.get("/problems/")["Location"].startswith("/accounts/consent/")


@pytest.mark.django_db
def test_the_consent_page_does_not_send_elsewhere(client):
    client.force_login(make_user(processing_consent=False))
    response = client.post(
        "/accounts/consent/", {"consent_processing": "on", "next": "https://evil.example/"}
    )
    assert response["Location"] == "/accounts/profile/"


@pytest.mark.django_db
@pytest.mark.parametrize("target", ["2147483648", "{}", "profile", "//evil.example/"])
def test_a_next_that_is_no_path_of_the_site_sends_to_the_profile(client, target):
    """A word is no view's name to look up (the redirect once tried, a server error)."""
    client.force_login(make_user(processing_consent=False))
    response = client.post("/accounts/consent/", {"consent_processing": "on", "next": target})
    assert response["Location"] == "/accounts/profile/"


@pytest.mark.django_db
def test_the_consent_page_sends_back_to_the_page_asked_for(client):
    client.force_login(make_user(processing_consent=False))
    response = client.post("/accounts/consent/", {"consent_processing": "on", "next": "/problems/"})
    assert response["Location"] == "/problems/"


@pytest.mark.django_db
def test_a_new_policy_version_asks_again(client, settings):
    settings.VECHE_PRIVACY_POLICY_VERSION = "2026-11-01"
    person = make_user()
    client.force_login(person)
    assert client.get("/problems/").status_code == 200
    settings.VECHE_PRIVACY_POLICY_VERSION = "2027-03-01"
    assert client.get("/problems/")["Location"].startswith("/accounts/consent/")
    client.post("/accounts/consent/", {"consent_processing": "on"})
    assert [c.text_version for c in current_consents(person)] == ["2027-03-01"]


@pytest.mark.django_db
def test_the_privacy_policy_and_sign_out_stay_open(client):
    client.force_login(make_user(processing_consent=False))
    assert client.get("/privacy/").status_code == 200
    assert client.post("/accounts/logout/").status_code == 302


@pytest.mark.django_db
def test_the_sign_up_form_records_the_consent_once_with_an_audit_row(client):
    client.post(
        "/accounts/signup/",
        {
            "email": "new.resident@example.org",
            "password1": PASSWORD,
            "password2": PASSWORD,
            "consent_processing": "on",
        },
    )
    person = User.objects.get(email="new.resident@example.org")
    assert current_consents(person).count() == 1
    assert AuditEvent.objects.filter(action="consent.processing_given", actor=person).exists()


@pytest.mark.django_db(transaction=True)
def test_a_person_who_came_through_an_identity_provider_consents_before_first_use(veche):  # noqa: F811
    browser = requests.Session()
    callback = consent_at_provider(browser, start_sign_in(browser, veche), "safina")
    landed = browser.get(callback)
    person = User.objects.get(email="safina@citizen.demo.veche.example")
    assert "/accounts/consent/" in landed.url
    assert not current_consents(person).exists()
    page = browser.get(f"{veche}/verification/", allow_redirects=False)
    assert page.status_code == 302
    assert page.headers["Location"].startswith("/accounts/consent/")
    agree_to_processing(browser, landed)
    assert [c.text_version for c in current_consents(person)] == [
        settings.VECHE_PRIVACY_POLICY_VERSION
    ]
    assert browser.get(f"{veche}/verification/", allow_redirects=False).status_code == 200


@pytest.mark.django_db(transaction=True)
def test_staff_who_come_through_an_identity_provider_still_give_the_second_factor(veche):  # noqa: F811
    """Every way in meets the same gate: a provider's sign-in is not a second factor."""
    from tests.factories import make_organization
    from tests.sign_in import with_second_factor
    from veche.organizations.models import Membership

    browser = requests.Session()
    agree_to_processing(
        browser, browser.get(consent_at_provider(browser, start_sign_in(browser, veche), "safina"))
    )
    person = User.objects.get(email="safina@citizen.demo.veche.example")
    assert browser.get(f"{veche}/verification/", allow_redirects=False).status_code == 200
    # Made an official, with an authenticator enrolled, and signed in through the provider again.
    Membership.objects.create(
        user=person, organization=make_organization(), role=Membership.Role.OFFICIAL
    )
    with_second_factor(person)
    browser = requests.Session()
    landed = browser.get(consent_at_provider(browser, start_sign_in(browser, veche), "safina"))
    # The provider's answer is only the first step: the authenticator's code comes next, and
    # until it is given nobody is signed in, so the cabinet stays shut.
    assert "/accounts/2fa/authenticate/" in landed.url
    cabinet = browser.get(f"{veche}/cabinet/", allow_redirects=False)
    assert cabinet.status_code == 302
    assert cabinet.headers["Location"].startswith("/accounts/login/")


@pytest.mark.django_db
def test_the_privacy_policy_names_the_cookies_the_site_sets(client):
    page = client.get("/privacy/", headers={"accept-language": "ru"}).content.decode()
    assert "Файлы cookie" in page
    # The account's number, which a signed-in browser holds (`veche.accounts.sessions`).
    assert "номер вашей учётной записи" in page
