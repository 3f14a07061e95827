"""Holders of staff roles must enrol a second factor before doing anything else."""

import pytest
from allauth.mfa.totp.internal.auth import TOTP

from tests.factories import make_organization, make_staff, make_user
from veche.organizations.models import Membership

pytestmark = pytest.mark.django_db


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


def test_staff_with_a_second_factor_goes_on(client):
    official = make_staff(make_organization())
    TOTP.activate(official, "JBSWY3DPEHPK3PXP")
    client.force_login(official)
    assert client.get("/accounts/profile/").status_code == 200


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
