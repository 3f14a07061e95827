"""The admin answers a forged choice in an autocomplete, or a name that is no object of texts,
with a form error, never a server error."""

import pytest
from allauth.mfa.totp.internal.auth import TOTP
from django.utils.html import escape

from tests.factories import make_organization, make_territory, make_user
from tests.sign_in import TOTP_SECRET, enter
from veche.organizations.models import Organization

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    user = make_user(is_staff=True, is_superuser=True)
    TOTP.activate(user, TOTP_SECRET)
    return enter(client, user)


@pytest.mark.parametrize("forged", ["1;DROP TABLE x", "99999999999999999999", "-1", "abc"])
def test_a_forged_id_in_an_autocomplete_is_a_form_error(admin_client, forged):
    response = admin_client.post(
        "/admin/appeals/responsibility/add/",
        {"organization": forged, "territory": forged, "category": forged},
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert {"organization", "territory", "category"} <= set(errors)


@pytest.mark.parametrize("name", ["1e309", "42", "[]", '"text"'])
def test_a_name_that_is_no_object_of_texts_is_a_form_error(admin_client, name):
    organization = make_organization(jurisdiction=[make_territory()])
    response = admin_client.post(
        f"/admin/organizations/organization/{organization.pk}/change/",
        {
            "slug": organization.slug,
            "name": name,
            "kind": organization.kind,
            "dispatch_email": organization.dispatch_email,
            "postal_address": organization.postal_address,
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert "name" in response.context["adminform"].form.errors
    assert Organization.objects.get(pk=organization.pk).name == organization.name


@pytest.mark.parametrize("forged", ["1;DROP TABLE x", "99999999999999999999"])
def test_a_forged_id_in_an_inlines_autocomplete_is_a_form_error(admin_client, forged):
    organization = make_organization()
    response = admin_client.post(
        f"/admin/organizations/organization/{organization.pk}/change/",
        {
            "slug": organization.slug,
            "name": '{"ru": "Управа", "en": "Office"}',
            "kind": organization.kind,
            "dispatch_email": organization.dispatch_email,
            "postal_address": organization.postal_address,
            "memberships-TOTAL_FORMS": "1",
            "memberships-INITIAL_FORMS": "0",
            "memberships-0-user": forged,
            "memberships-0-role": "official",
        },
    )
    assert response.status_code == 200
    assert not organization.memberships.exists()


@pytest.mark.parametrize("mapping", ["9" * 5000, '{"given_name": ' + "9" * 5000 + "}"])
def test_json_past_pythons_digit_limit_is_a_form_error(admin_client, mapping):
    """`json.loads` refuses an integer of more than 4,300 digits with a plain ValueError, which
    Django's JSON form field let through as a server error, on sending and on showing again."""
    from veche.identity.models import IdentityProvider

    response = admin_client.post(
        "/admin/identity/identityprovider/add/",
        {"slug": "bank-id", "name": '{"ru": "Банк"}', "claim_mapping": mapping},
    )
    assert response.status_code == 200
    assert "claim_mapping" in response.context["adminform"].form.errors
    assert escape(mapping) in response.content.decode()  # shown again as typed, to be mended
    assert not IdentityProvider.objects.filter(slug="bank-id").exists()
