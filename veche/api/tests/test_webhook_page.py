"""The head's page of webhooks: add an endpoint (its secret shown once), refuse one inside our
network in the user's language, rotate, delete, replay; nobody else may; audit rows."""

import pytest

from tests.factories import make_staff
from tests.sign_in import enter
from veche.api import webhooks
from veche.api.models import WebhookDelivery, WebhookSubscription
from veche.core.models import AuditEvent, OutboxMessage
from veche.organizations.models import Membership

pytestmark = pytest.mark.django_db
PAGE = "/cabinet/webhooks/"
ENDPOINT = "https://93.184.215.14/veche"  # public: passes the guard without any request


@pytest.fixture(autouse=True)
def _no_private_receivers(settings):
    settings.VECHE_WEBHOOK_ALLOW_NETWORKS = []


def test_the_head_adds_an_endpoint_and_sees_its_secret_once(client, office, head):
    enter(client, head)
    response = client.post(
        f"{PAGE}{office.slug}/add/", {"url": ENDPOINT, "events": ["appeal.dispatched"]}
    )
    assert response.status_code == 200
    subscription = WebhookSubscription.objects.get(organization=office)
    assert subscription.events == ["appeal.dispatched"]
    assert subscription.secret in response.content.decode()
    assert response["Cache-Control"] == "no-store"
    assert subscription.secret not in client.get(PAGE).content.decode()
    assert AuditEvent.objects.get(action="api.webhook_added").actor == head


def test_an_endpoint_inside_our_network_is_refused_in_russian(client, office, head):
    enter(client, head)
    response = client.post(
        f"{PAGE}{office.slug}/add/",
        {"url": "https://169.254.169.254/latest/", "events": ["appeal.dispatched"]},
        HTTP_ACCEPT_LANGUAGE="ru",
    )
    assert response.status_code == 400
    assert "не публичный адрес" in response.content.decode()
    assert not WebhookSubscription.objects.exists()


def test_the_head_rotates_deletes_and_replays(client, office, head):
    subscription, old = webhooks.subscribe(
        user=head, organization=office, url=ENDPOINT, events=["appeal.registered"]
    )
    delivery = WebhookDelivery.objects.create(
        subscription=subscription,
        message_id="msg_1",
        event_type="appeal.registered",
        payload={"type": "appeal.registered"},
    )
    enter(client, head)
    page = client.get(PAGE, HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert "Вебхуки" in page and "msg_1" in page
    response = client.post(f"{PAGE}{subscription.pk}/rotate/")
    subscription.refresh_from_db()
    assert subscription.previous_secret == old and subscription.secret != old
    assert subscription.secret in response.content.decode()
    assert client.post(f"{PAGE}deliveries/{delivery.pk}/replay/").status_code == 302
    assert OutboxMessage.objects.get(kind=webhooks.KIND, target_id=delivery.pk)
    assert client.post(f"{PAGE}{subscription.pk}/delete/").status_code == 302
    assert not WebhookSubscription.objects.exists()
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"api.webhook_secret_rotated", "api.webhook_replayed", "api.webhook_removed"} <= actions


def test_an_official_or_another_head_cannot(client, office, other_office, head):
    subscription, _secret = webhooks.subscribe(
        user=head, organization=office, url=ENDPOINT, events=["appeal.registered"]
    )
    enter(client, make_staff(office, Membership.Role.OFFICIAL))
    assert client.get(PAGE).status_code == 403
    enter(client, make_staff(other_office, Membership.Role.HEAD))
    assert client.post(f"{PAGE}{subscription.pk}/delete/").status_code == 404
    assert client.post(f"{PAGE}{subscription.pk}/rotate/").status_code == 404
    assert client.post(f"{PAGE}{office.slug}/add/", {"url": ENDPOINT}).status_code == 404
    assert WebhookSubscription.objects.get().secret == subscription.secret
