"""The admin refuses forged ids with a 400 or a form error, never a server error."""

import pytest
from django.contrib import admin

from tests.factories import make_territory, make_user
from tests.sign_in import enter
from veche.territories.models import Territory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    user = make_user(is_staff=True, is_superuser=True)
    enter(client, user)
    return client


@pytest.mark.parametrize("forged", ["abc", "99999999999999999999", "-1", "1;DROP TABLE x"])
def test_an_action_on_forged_rows_is_a_bad_request(admin_client, forged):
    territory = make_territory()
    response = admin_client.post(
        "/admin/territories/territory/",
        {"action": "delete_selected", "index": "0", "_selected_action": [territory.pk, forged]},
    )
    assert response.status_code == 400
    assert Territory.objects.filter(pk=territory.pk).exists()


def test_an_action_on_real_rows_still_asks_to_confirm(admin_client):
    territory = make_territory()
    response = admin_client.post(
        "/admin/territories/territory/",
        {"action": "delete_selected", "index": "0", "_selected_action": [territory.pk]},
    )
    assert response.status_code == 200
    assert "Are you sure" in response.content.decode() or "уверены" in response.content.decode()


def test_a_forged_id_among_many_to_many_choices_is_a_form_error(admin_client):
    person = make_user()
    response = admin_client.post(
        f"/admin/accounts/user/{person.pk}/change/",
        {"email": person.email, "groups": "99999999999999999999"},
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["groups"]


def test_every_registered_admin_carries_the_guard():
    from veche.core.admin_site import RefusesForgedIds

    assert admin.site._registry
    assert all(
        isinstance(model_admin, RefusesForgedIds) for model_admin in admin.site._registry.values()
    )


def test_complaints_are_not_added_by_hand(admin_client):
    assert admin_client.get("/admin/moderation/complaint/add/").status_code == 403
