"""The admin refuses forged ids with a 400 or a form error, never a server error."""

import pytest
from django.contrib import admin

from tests.factories import make_territory, make_user
from tests.sign_in import enter
from veche.core.models import AuditEvent, RateLimit
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


def table_edit(*rows: tuple[object, bool]) -> dict:
    """The rate limits' table sent back with these (id, enabled) rows edited."""
    data = {
        "form-TOTAL_FORMS": str(len(rows)),
        "form-INITIAL_FORMS": str(len(rows)),
        "form-MIN_NUM_FORMS": "0",
        "form-MAX_NUM_FORMS": "1000",
        "_save": "Save",
    }
    for number, (row_id, enabled) in enumerate(rows):
        data[f"form-{number}-id"] = row_id
        if enabled:
            data[f"form-{number}-enabled"] = "on"
    return data


@pytest.mark.parametrize("forged", ["9999999999999999999999999", "abc", "-1", "1;DROP TABLE x"])
def test_an_edit_in_the_table_of_a_forged_row_is_a_bad_request(admin_client, forged):
    row = RateLimit.objects.order_by("action", "scope").first()
    response = admin_client.post(
        "/admin/core/ratelimit/", table_edit((row.pk, False), (forged, True))
    )
    assert response.status_code == 400
    assert RateLimit.objects.get(pk=row.pk).enabled
    assert not AuditEvent.objects.filter(action__startswith="rate_limit.").exists()


def test_an_edit_in_the_table_of_real_rows_is_saved(admin_client):
    row = RateLimit.objects.order_by("action", "scope").first()
    response = admin_client.post("/admin/core/ratelimit/", table_edit((row.pk, False)))
    assert response.status_code == 302
    assert not RateLimit.objects.get(pk=row.pk).enabled
    assert AuditEvent.objects.get(action="rate_limit.changed").data == {"enabled": [True, False]}


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
