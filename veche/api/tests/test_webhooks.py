"""Webhooks delivered to a real HTTP server on this machine (admitted through the operator's
VECHE_WEBHOOK_ALLOW_NETWORKS), signed per Standard Webhooks; retried after a failure; refused
for addresses inside our network."""

import base64
import hashlib
import hmac
import json
import socket

import pytest
import requests
from django.core.exceptions import PermissionDenied, ValidationError

from tests.factories import make_appeal, make_staff
from tests.outbox import deliver_everything
from veche.api import webhooks
from veche.api.models import WebhookDelivery, WebhookSubscription
from veche.appeals.services import register_appeal
from veche.core import outbox
from veche.core.models import AuditEvent, OutboxMessage
from veche.organizations.models import Membership

pytestmark = pytest.mark.django_db


def verify(secret: str, headers: dict, body: bytes) -> bool:
    """A receiver's check, as the README shows it."""
    key = base64.b64decode(secret.removeprefix("whsec_"))
    signed = f"{headers['webhook-id']}.{headers['webhook-timestamp']}.".encode() + body
    expected = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
    return any(
        hmac.compare_digest(expected, part.split(",", 1)[1])
        for part in headers["webhook-signature"].split()
    )


def lower(headers: dict) -> dict:
    return {name.lower(): value for name, value in headers.items()}


@pytest.fixture
def sent_appeal(office):
    return make_appeal(organization=office, status="sent")


def test_a_registered_appeal_reaches_the_endpoint_signed(receiver, office, head, sent_appeal):
    subscription, secret = webhooks.subscribe(
        user=head, organization=office, url=receiver.url, events=["appeal.registered"]
    )
    official = make_staff(office, Membership.Role.OFFICIAL)
    register_appeal(official=official, appeal=sent_appeal, registration_number="01-15/77")
    assert receiver.received == []  # never inside the request: the outbox carries it
    deliver_everything()
    [(headers, body)] = receiver.received
    headers = lower(headers)
    assert verify(secret, headers, body)
    assert not verify(webhooks.new_secret(), headers, body)
    payload = json.loads(body)
    assert payload["type"] == "appeal.registered"
    assert payload["data"]["organization"] == office.slug
    assert payload["data"]["appeal"]["registration_number"] == "01-15/77"
    # Public facts only: nobody's name or address travels.
    author = sent_appeal.problem.author
    assert author.email not in body.decode()
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status_code, delivery.subscription_id) == (204, subscription.pk)
    assert headers["webhook-id"] == delivery.message_id


def test_an_event_not_subscribed_to_sends_nothing(receiver, office, head, sent_appeal):
    webhooks.subscribe(user=head, organization=office, url=receiver.url, events=["appeal.answered"])
    official = make_staff(office, Membership.Role.OFFICIAL)
    register_appeal(official=official, appeal=sent_appeal, registration_number="1")
    deliver_everything()
    assert receiver.received == []
    assert not WebhookDelivery.objects.exists()


def test_a_failed_delivery_is_retried_with_the_same_id(receiver, office, head, sent_appeal):
    webhooks.subscribe(
        user=head, organization=office, url=receiver.url, events=["appeal.registered"]
    )
    receiver.answers = [500]
    official = make_staff(office, Membership.Role.OFFICIAL)
    register_appeal(official=official, appeal=sent_appeal, registration_number="2")
    deliver_everything()
    message = OutboxMessage.objects.get(kind=webhooks.KIND)
    assert message.state == OutboxMessage.State.FAILED
    assert WebhookDelivery.objects.get().last_error == "HTTP 500"
    # The back-off's time comes: the worker tries again.
    assert outbox.deliver(message.pk, now=message.next_attempt_at) == "sent"
    first, second = (lower(headers) for headers, _body in receiver.received)
    assert first["webhook-id"] == second["webhook-id"]
    delivery = WebhookDelivery.objects.get()
    assert (delivery.attempts, delivery.status_code, delivery.last_error) == (2, 204, "")


def test_a_replay_sends_the_message_again_and_is_audited(receiver, office, head, sent_appeal):
    webhooks.subscribe(
        user=head, organization=office, url=receiver.url, events=["appeal.registered"]
    )
    official = make_staff(office, Membership.Role.OFFICIAL)
    register_appeal(official=official, appeal=sent_appeal, registration_number="3")
    deliver_everything()
    delivery = WebhookDelivery.objects.get()
    with pytest.raises(PermissionDenied):
        webhooks.replay(user=official, delivery=delivery)
    webhooks.replay(user=head, delivery=delivery)
    deliver_everything()
    assert len(receiver.received) == 2
    assert AuditEvent.objects.filter(action="api.webhook_replayed").count() == 1


def test_after_a_rotation_both_secrets_sign_for_a_while(receiver, office, head, sent_appeal):
    subscription, old = webhooks.subscribe(
        user=head, organization=office, url=receiver.url, events=["appeal.registered"]
    )
    new = webhooks.rotate_secret(user=head, subscription=subscription)
    official = make_staff(office, Membership.Role.OFFICIAL)
    register_appeal(official=official, appeal=sent_appeal, registration_number="4")
    deliver_everything()
    [(headers, body)] = receiver.received
    headers = lower(headers)
    assert verify(new, headers, body) and verify(old, headers, body)
    assert len(headers["webhook-signature"].split()) == 2


def test_only_the_head_manages_webhooks(receiver, office):
    official = make_staff(office, Membership.Role.OFFICIAL)
    with pytest.raises(PermissionDenied):
        webhooks.subscribe(
            user=official, organization=office, url=receiver.url, events=["appeal.registered"]
        )
    assert not WebhookSubscription.objects.exists()


# --- Server-side request forgery ------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "https://10.0.0.1/hooks",
        "https://169.254.169.254/latest/meta-data/",
        "https://[::1]/hooks",
        "https://localhost/hooks",
        "http://93.184.215.14/hooks",  # public, but not https
        "file:///etc/passwd",
    ],
)
def test_an_endpoint_inside_our_network_is_refused(settings, office, head, url):
    settings.VECHE_WEBHOOK_ALLOW_NETWORKS = []
    with pytest.raises(ValidationError) as refusal:
        webhooks.subscribe(user=head, organization=office, url=url, events=["appeal.registered"])
    assert "url" in refusal.value.message_dict
    assert not WebhookSubscription.objects.exists()


def test_a_name_that_later_resolves_inside_is_refused_at_delivery(
    settings, monkeypatch, office, head, sent_appeal
):
    """DNS rebinding: public when registered, the metadata service when delivered."""
    settings.VECHE_WEBHOOK_ALLOW_NETWORKS = []
    answers = {"hooks.example.org": "93.184.215.14"}
    real = socket.getaddrinfo

    def getaddrinfo(host, port, *args, **kwargs):
        if host in answers:
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (answers[host], port))]
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    connections = []
    monkeypatch.setattr(
        requests.adapters.HTTPAdapter, "send", lambda self, request, **kw: connections.append(1)
    )
    webhooks.subscribe(
        user=head,
        organization=office,
        url="https://hooks.example.org/in",
        events=["appeal.registered"],
    )
    answers["hooks.example.org"] = "169.254.169.254"
    official = make_staff(office, Membership.Role.OFFICIAL)
    register_appeal(official=official, appeal=sent_appeal, registration_number="5")
    deliver_everything()
    assert connections == []
    assert OutboxMessage.objects.get(kind=webhooks.KIND).state == OutboxMessage.State.CANCELLED
    assert "hooks.example.org" in WebhookDelivery.objects.get().last_error


def test_an_endpoints_token_is_never_written_into_the_audit_log(receiver, office, head):
    """Receivers put their token in the address (…/hooks/T0/B0/XXXX, ?key=…); the audit log is
    kept for ever, so it holds the site and a digest of the address, never the address."""
    token = "k3y-0f-the-receiver-in-the-address"
    url = f"{receiver.url}/{token}?key={token}"
    subscription, _secret = webhooks.subscribe(
        user=head, organization=office, url=url, events=["appeal.registered"]
    )
    webhooks.rotate_secret(user=head, subscription=subscription)
    webhooks.remove(user=head, subscription=subscription)
    events = AuditEvent.objects.filter(action__startswith="api.webhook")
    assert events.count() == 3
    for event in events:
        assert token not in json.dumps(event.data)
        assert event.data["endpoint"] == f"http://127.0.0.1:{receiver.server_port}"
        assert event.data["url_sha256"] == hashlib.sha256(url.encode()).hexdigest()
