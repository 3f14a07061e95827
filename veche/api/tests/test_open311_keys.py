"""A resident's keys for Open311 apps: issued on their page (shown once, kept hashed), revoked
there, audited, capped, in the person's data export, and gone with an erased account; what an
app files is the resident's own, and the audit log names the key it came through."""

import hashlib

import pytest
from django.test import override_settings

from veche.accounts.services import erase_account, export_personal_data
from veche.api.models import Open311Key
from veche.api.open311.services import issue_key, key_for
from veche.api.tests.conftest import filing
from veche.core.models import AuditEvent

pytestmark = pytest.mark.django_db

PAGE = "/accounts/open311-keys/"


def test_the_page_asks_to_sign_in(client):
    response = client.get(PAGE)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_an_issued_key_is_shown_once_and_kept_only_hashed(client, resident):
    client.force_login(resident)
    response = client.post(f"{PAGE}issue/", {"name": "City Fix"})
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    raw = response.context["issued"]["raw"]
    assert raw.encode() in response.content
    key = Open311Key.objects.get(user=resident)
    assert key.key_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert raw not in str(Open311Key.objects.values().get())
    assert raw.encode() not in client.get(PAGE).content
    event = AuditEvent.objects.get(action="api.open311_key_issued")
    assert event.actor == resident
    assert event.object_id == str(key.pk)


def test_a_key_without_an_app_name_is_refused(client, resident):
    client.force_login(resident)
    response = client.post(f"{PAGE}issue/", {"name": "  "})
    assert response.status_code == 400
    assert not Open311Key.objects.exists()


@override_settings(VECHE_OPEN311_KEYS_PER_PERSON=1)
def test_keys_past_the_cap_are_refused(client, resident, api_key):
    client.force_login(resident)
    response = client.post(f"{PAGE}issue/", {"name": "Second app"})
    assert response.status_code == 400
    assert "You already have 1 key." in response.content.decode()
    assert Open311Key.objects.count() == 1


def test_a_revoked_key_stops_working_and_is_audited(client, resident, api_key):
    key = key_for(api_key)
    client.force_login(resident)
    assert client.post(f"{PAGE}{key.pk}/revoke/").status_code == 302
    assert key_for(api_key) is None
    assert AuditEvent.objects.filter(action="api.open311_key_revoked", actor=resident).exists()


def test_nobody_revokes_another_persons_key(client, api_key, district):
    from tests.factories import make_resident

    client.force_login(make_resident(district))
    assert client.post(f"{PAGE}{key_for(api_key).pk}/revoke/").status_code == 404
    assert key_for(api_key) is not None


def test_a_filed_problem_is_the_residents_and_the_audit_names_the_key(
    client, api_key, resident, office, roads
):
    pk = client.post("/open311/v2/requests.json", filing(api_key)).json()[0]["service_request_id"]
    key = Open311Key.objects.get(user=resident)
    published = AuditEvent.objects.get(action="problem.published", object_id=pk)
    assert published.actor == resident
    assert published.data["via"] == f"open311-key:{key.pk}"
    assert AuditEvent.objects.filter(action="api.open311_request_filed", object_id=pk).exists()
    assert key.last_used_at is not None


def test_the_export_lists_the_keys_but_never_a_key(resident, api_key):
    exported = export_personal_data(user=resident)
    assert exported["open311_keys"][0]["app"] == "City Fix"
    assert api_key not in str(exported)


def test_an_erased_account_keeps_no_working_key(resident, api_key):
    erase_account(user=resident)
    assert key_for(api_key) is None
    assert Open311Key.objects.get().name == ""


def test_only_signed_in_active_people_hold_keys(resident):
    from django.contrib.auth.models import AnonymousUser
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        issue_key(user=AnonymousUser(), name="Bot")
