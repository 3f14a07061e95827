"""The head's page of API clients in the cabinet: issue (the secret shown once), list, revoke;
nobody else may, and every change leaves an audit row."""

import pytest

from tests.factories import make_staff
from tests.sign_in import enter
from veche.api.models import ApiClient
from veche.api.tests.conftest import bearer, issue, token_for
from veche.core.models import AuditEvent
from veche.organizations.models import Membership

pytestmark = pytest.mark.django_db
PAGE = "/cabinet/api-clients/"


def test_the_head_issues_a_client_and_sees_its_secret_once(client, office, head):
    enter(client, head)
    response = client.post(
        f"{PAGE}{office.slug}/issue/",
        {"name": "СЭД «Дело»", "scopes": ["inbox:read", "appeals:register"]},
    )
    assert response.status_code == 200
    api_client = ApiClient.objects.get(organization=office)
    assert api_client.scopes == ["appeals:register", "inbox:read"]
    assert api_client.issued_by == head
    secret = response.context["issued"]["secret"]
    assert secret in response.content.decode()
    assert response["Cache-Control"] == "no-store"
    # The secret works at the token endpoint, and is shown nowhere again.
    assert token_for(client, api_client, secret)
    assert secret not in client.get(PAGE).content.decode()
    event = AuditEvent.objects.get(action="api.client_issued")
    assert event.actor == head
    assert event.data["scopes"] == ["appeals:register", "inbox:read"]


def test_the_page_lists_clients_in_russian(client, office, head):
    issue(office, head=head)
    enter(client, head)
    page = client.get(PAGE, HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert "API-клиенты" in page
    assert "СЭД «Дело»" in page
    assert "Отозвать" in page


def test_a_client_without_a_name_or_scope_is_refused_and_nothing_is_made(client, office, head):
    enter(client, head)
    response = client.post(f"{PAGE}{office.slug}/issue/", {"name": " ", "scopes": []})
    assert response.status_code == 400
    assert not ApiClient.objects.exists()
    assert response.context["form"].errors.keys() == {"name", "scopes"}


def test_the_head_revokes_a_client_and_its_token_stops(client, office, head):
    api_client, secret = issue(office, head=head)
    token = token_for(client, api_client, secret)
    enter(client, head)
    response = client.post(f"{PAGE}{api_client.pk}/revoke/")
    assert response.status_code == 302
    api_client.refresh_from_db()
    assert api_client.revoked_at is not None and api_client.revoked_by == head
    assert not api_client.account.is_active
    assert not Membership.objects.filter(user=api_client.account).exists()
    assert AuditEvent.objects.filter(action="api.client_revoked").count() == 1
    client.logout()
    assert client.get("/api/v1/inbox/", **bearer(token)).status_code == 401


def test_an_official_may_not_manage_clients(client, office):
    official = make_staff(office, Membership.Role.OFFICIAL)
    enter(client, official)
    assert client.get(PAGE).status_code == 403
    response = client.post(f"{PAGE}{office.slug}/issue/", {"name": "X", "scopes": ["inbox:read"]})
    assert response.status_code == 404
    assert not ApiClient.objects.exists()


def test_a_head_of_another_organization_may_not_revoke(client, office, other_office):
    api_client, _secret = issue(office)
    enter(client, make_staff(other_office, Membership.Role.HEAD))
    assert client.post(f"{PAGE}{api_client.pk}/revoke/").status_code == 404
    api_client.refresh_from_db()
    assert api_client.active


def test_a_signed_out_visitor_is_sent_to_sign_in(client):
    response = client.get(PAGE)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
