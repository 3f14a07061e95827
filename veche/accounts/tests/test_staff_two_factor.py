"""Staff pass a second factor in the very session they use, whatever way they came in; a role
granted mid-session asks for it before the first staff page; an idle staff session ends."""

import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import PASSWORD, make_organization, make_staff, make_user
from tests.sign_in import a_fresh_code_period, current_code, enter, with_second_factor
from veche.accounts.middleware import LAST_SEEN_KEY
from veche.organizations.models import Membership

pytestmark = pytest.mark.django_db

CABINET = "/cabinet/"


@pytest.fixture(autouse=True)
def _codes_checked_in_the_period_they_were_read():
    # A test reads the authenticator's code, then posts it: both in one 30-second period.
    with a_fresh_code_period():
        yield


def sign_in_with_password(client, user, path="/accounts/login/", next_url=None):
    target = f"{path}?next={next_url}" if next_url else path
    return client.post(target, {"login": user.email, "password": PASSWORD})


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


# --- Enrolment ------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [choice for choice, _label in Membership.Role.choices])
def test_staff_without_a_second_factor_is_sent_to_set_one_up(client, role):
    official = make_staff(make_organization(), role=role)
    client.force_login(official)
    response = client.get("/accounts/profile/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/2fa/totp/activate/"


def test_administrator_without_a_second_factor_is_sent_to_set_one_up(client):
    client.force_login(make_user(is_staff=True))
    assert client.get("/")["Location"] == "/accounts/2fa/totp/activate/"


def test_resident_is_not_asked_for_a_second_factor(client):
    client.force_login(make_user())
    assert client.get("/accounts/profile/").status_code == 200


def test_staff_can_still_sign_out_and_reach_the_setup_page(client):
    client.force_login(make_staff(make_organization()))
    response = client.get("/accounts/2fa/totp/activate/", follow=True)
    assert response.status_code == 200
    # Setting up a factor asks for the password again; that page must be reachable too.
    assert response.redirect_chain[-1][0].startswith("/accounts/reauthenticate/")
    assert client.post("/accounts/logout/").status_code == 302


@pytest.mark.django_db(transaction=True)  # allauth announces the authenticator on commit
def test_setting_up_the_authenticator_counts_as_the_second_factor(client):
    official = make_staff(make_organization())
    sign_in_with_password(client, official)
    client.post("/accounts/reauthenticate/", {"password": PASSWORD})
    client.get("/accounts/2fa/totp/activate/")
    secret = client.session["mfa.totp.secret"]
    response = client.post("/accounts/2fa/totp/activate/", {"code": current_code(secret)})
    assert response.status_code == 302
    assert client.get(CABINET).status_code == 200


# --- The session, not the account, must have passed the second factor ------------------------


def test_staff_with_an_authenticator_signed_in_by_password_alone_is_asked_for_the_code(client):
    official = make_staff(make_organization())
    with_second_factor(official)
    client.force_login(official)  # a session that never passed the second factor
    response = client.get(CABINET)
    assert response.status_code == 302
    assert response["Location"] == "/accounts/2fa/reauthenticate/?next=%2Fcabinet%2F"


def test_the_code_asked_mid_session_lets_the_staff_member_in(client):
    official = make_staff(make_organization())
    with_second_factor(official)
    client.force_login(official)
    response = client.post("/accounts/2fa/reauthenticate/?next=/cabinet/", {"code": current_code()})
    assert response.status_code == 302
    assert response["Location"] == CABINET
    assert client.get(CABINET).status_code == 200


def test_totp_sign_in_passes(client):
    official = make_staff(make_organization())
    with_second_factor(official)
    response = sign_in_with_password(client, official)
    assert response["Location"] == "/accounts/2fa/authenticate/"
    client.post("/accounts/2fa/authenticate/", {"code": current_code()})
    assert signed_in(client)
    assert client.get(CABINET).status_code == 200


def test_a_role_granted_mid_session_asks_for_the_second_factor_first(client):
    resident = make_user()
    sign_in_with_password(client, resident)
    assert client.get("/accounts/profile/").status_code == 200
    Membership.objects.create(
        user=resident, organization=make_organization(), role=Membership.Role.OFFICIAL
    )
    response = client.get(CABINET)
    assert response.status_code == 302
    assert response["Location"] == "/accounts/2fa/totp/activate/"


def test_a_role_granted_mid_session_to_a_person_with_an_authenticator_asks_for_a_code(client):
    resident = make_user()
    with_second_factor(resident)
    client.force_login(resident)
    assert client.get("/accounts/profile/").status_code == 200
    Membership.objects.create(
        user=resident, organization=make_organization(), role=Membership.Role.MODERATOR
    )
    response = client.get("/moderation/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/2fa/reauthenticate/")


# --- The admin's sign-in is allauth's ----------------------------------------------------------


def test_the_admin_sign_in_hands_over_to_the_one_sign_in_keeping_next(client):
    response = client.get("/admin/login/?next=/admin/accounts/user/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=%2Fadmin%2Faccounts%2Fuser%2F"
    assert client.get("/admin/")["Location"] == "/admin/login/?next=/admin/"


def test_a_signed_in_person_without_admin_access_is_refused_rather_than_sent_round(client):
    client.force_login(make_user())
    assert client.get("/admin/", follow=True).status_code == 403


def test_a_password_posted_to_the_admin_sign_in_signs_nobody_in(client):
    admin = make_user(is_staff=True, is_superuser=True)
    with_second_factor(admin)
    client.post("/admin/login/", {"username": admin.email, "password": PASSWORD})
    assert not signed_in(client)


def test_password_only_sign_in_of_an_administrator_reaches_neither_admin_nor_cabinet(client):
    admin = make_user(is_staff=True, is_superuser=True)
    Membership.objects.create(
        user=admin, organization=make_organization(), role=Membership.Role.HEAD
    )
    sign_in_with_password(client, admin)
    assert signed_in(client)  # no authenticator yet: signed in, but only to set one up
    for page in ("/admin/", CABINET):
        assert client.get(page)["Location"] == "/accounts/2fa/totp/activate/"


def test_the_administrator_with_a_code_reaches_the_admin(client):
    admin = make_user(is_staff=True, is_superuser=True)
    with_second_factor(admin)
    client.get("/admin/login/?next=/admin/")
    response = sign_in_with_password(client, admin, next_url="/admin/")
    assert response["Location"] == "/accounts/2fa/authenticate/"
    response = client.post("/accounts/2fa/authenticate/", {"code": current_code()})
    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_the_admin_sign_in_is_rate_limited_like_every_sign_in(client):
    admin = make_user(is_staff=True, is_superuser=True)
    for _ in range(5):
        client.post("/accounts/login/", {"login": admin.email, "password": "wrong-password-1"})
    # The admin's address leads to the same sign-in, which has stopped taking this account.
    response = client.post("/admin/login/", {"username": admin.email, "password": PASSWORD})
    assert response["Location"].startswith("/accounts/login/")
    sign_in_with_password(client, admin, next_url="/admin/")
    assert not signed_in(client)


# --- Idle staff sessions end (ASVS 3.3.2) ------------------------------------------------------


def idle_for(client, minutes: int):
    session = client.session
    session[LAST_SEEN_KEY] = int(time.time()) - minutes * 60
    session.save()


def test_an_idle_staff_session_must_sign_in_again(client, settings):
    settings.VECHE_STAFF_IDLE_MINUTES = 30
    enter(client, make_staff(make_organization()))
    assert client.get(CABINET).status_code == 200
    idle_for(client, 31)
    response = client.get(CABINET)
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/cabinet/"
    assert not signed_in(client)


def test_a_staff_session_in_use_stays(client, settings):
    settings.VECHE_STAFF_IDLE_MINUTES = 30
    enter(client, make_staff(make_organization()))
    idle_for(client, 29)
    assert client.get(CABINET).status_code == 200
    assert signed_in(client)


def test_a_resident_session_has_no_idle_limit(client, settings):
    settings.VECHE_STAFF_IDLE_MINUTES = 30
    client.force_login(make_user())
    idle_for(client, 120)
    assert client.get("/accounts/profile/").status_code == 200


def test_a_resident_s_pages_write_nothing_to_the_session(client, settings):
    """A resident's session keeps no idle clock: reading pages long after signing in saves
    nothing (once a minute, every active resident's session was written to the database)."""
    settings.VECHE_STAFF_IDLE_MINUTES = 30
    client.force_login(make_user())
    client.get("/accounts/profile/")  # the session settles (the consent found, once)
    idle_for(client, 2)
    before = client.session[LAST_SEEN_KEY]
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/accounts/profile/").status_code == 200
    assert not [q for q in queries if "django_session" in q["sql"] and "UPDATE" in q["sql"]]
    assert client.session[LAST_SEEN_KEY] == before


def test_a_staff_session_in_use_keeps_its_clock_going(client, settings):
    settings.VECHE_STAFF_IDLE_MINUTES = 30
    enter(client, make_staff(make_organization()))
    idle_for(client, 2)
    assert client.get(CABINET).status_code == 200
    assert time.time() - client.session[LAST_SEEN_KEY] < 60


def test_a_session_that_turns_staff_long_after_signing_in_signs_in_again(client, settings):
    settings.VECHE_STAFF_IDLE_MINUTES = 30
    resident = make_user()
    client.force_login(resident)
    idle_for(client, 31)  # its sign-in, long ago; a resident's pages keep no clock
    assert client.get("/accounts/profile/").status_code == 200
    Membership.objects.create(
        user=resident, organization=make_organization(), role=Membership.Role.OFFICIAL
    )
    response = client.get(CABINET)
    assert response["Location"] == "/accounts/login/?next=/cabinet/"
    assert not signed_in(client)


def test_signing_in_again_starts_a_fresh_idle_clock(client, settings):
    settings.VECHE_STAFF_IDLE_MINUTES = 30
    official = make_staff(make_organization())
    enter(client, official)
    idle_for(client, 31)
    enter(client, official)
    assert client.get(CABINET).status_code == 200
