"""Read side of API clients and webhooks: those of the organizations a head manages."""

import datetime
from dataclasses import dataclass

import rules
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Max, OuterRef, Subquery
from django.http import Http404

from veche.api.models import ApiClient, WebhookDelivery, WebhookSubscription
from veche.core.models import OutboxMessage
from veche.organizations.models import Membership, Organization
from veche.organizations.rules import organizations_where


@dataclass
class Clients:
    organization: Organization
    headed: list[Organization]
    clients: list[ApiClient]


def headed_organizations(user) -> list[Organization]:
    """The organizations whose clients this person manages, by name; 403 when none."""
    if not rules.has_perm("api.manage_clients", user):
        raise PermissionDenied
    headed = Organization.objects.filter(
        pk__in=organizations_where(user, roles=Membership.Role.HEAD)
    )
    return sorted(headed, key=lambda organization: organization.title)


def clients_of(user, slug: str | None) -> Clients:
    headed = headed_organizations(user)
    organization = next((o for o in headed if o.slug == slug), None) if slug else headed[0]
    if organization is None:
        raise Http404
    clients = list(
        ApiClient.objects.filter(organization=organization)
        .select_related("application", "issued_by", "revoked_by")
        .annotate(call_count=Count("calls"), last_call=Max("calls__created_at"))
        .order_by("revoked_at", "-created_at", "-id")
    )
    return Clients(organization=organization, headed=headed, clients=clients)


def organization_to_manage(user, slug: str) -> Organization:
    organization = Organization.objects.filter(slug=slug).first()
    if organization is None or not rules.has_perm("api.manage_clients_of", user, organization):
        raise Http404
    return organization


def client_to_manage(user, pk: int) -> ApiClient:
    client = ApiClient.objects.select_related("organization").filter(pk=pk).first()
    if client is None or not rules.has_perm("api.manage_clients_of", user, client.organization):
        raise Http404
    return client


@dataclass
class Webhooks:
    organization: Organization | None  # None: a subscriber's own endpoints
    headed: list[Organization]
    subscriptions: list[WebhookSubscription]
    deliveries: list[WebhookDelivery]


def webhooks_of(user, slug: str | None) -> Webhooks:
    """The endpoints of an organization the person heads, and its latest deliveries with the
    outbox's state of each (waiting, failed, sent, given up, refused)."""
    headed = headed_organizations(user)
    organization = next((o for o in headed if o.slug == slug), None) if slug else headed[0]
    if organization is None:
        raise Http404
    return _webhooks(organization, headed, organization=organization)


def subscriber_webhooks(user) -> Webhooks:
    """A person's own endpoints (public events) and their latest deliveries."""
    return _webhooks(None, [], person=user)


def _webhooks(shown, headed, **owner) -> Webhooks:
    subscriptions = list(WebhookSubscription.objects.filter(**owner).select_related("territory"))
    state = OutboxMessage.objects.filter(kind="api.webhook", target_id=OuterRef("pk"))
    deliveries = list(
        WebhookDelivery.objects.filter(**{f"subscription__{k}": v for k, v in owner.items()})
        .select_related("subscription")
        .annotate(state=Subquery(state.values("state")[:1]))
        .order_by("-created_at", "-id")[: settings.VECHE_WEBHOOK_LOG_LENGTH]
    )
    days = settings.VECHE_WEBHOOK_PAUSE_AFTER_DAYS
    for subscription in subscriptions:
        # When a failing endpoint will be paused if it goes on failing (none: never).
        failing = subscription.failing_since
        subscription.pauses_on = (
            failing + datetime.timedelta(days=days)
            if failing and days and subscription.paused_at is None
            else None
        )
    for delivery in deliveries:
        delivery.held = delivery.state == OutboxMessage.State.CANCELLED and (
            delivery.last_error == WebhookDelivery.HELD
        )
    return Webhooks(shown, headed, subscriptions, deliveries)


def webhook_to_manage(user, pk: int, *, person: bool = False) -> WebhookSubscription:
    """An endpoint the person manages, of an organization (the cabinet's page) or their own
    (`person`, the account's page); anyone else's is not found."""
    subscription = (
        WebhookSubscription.objects.select_related("organization")
        .filter(pk=pk, person__isnull=not person)
        .first()
    )
    if subscription is None or not rules.has_perm("api.manage_webhook", user, subscription):
        raise Http404
    return subscription


def delivery_to_manage(user, pk: int, *, person: bool = False) -> WebhookDelivery:
    delivery = (
        WebhookDelivery.objects.select_related("subscription__organization")
        .filter(pk=pk, subscription__person__isnull=not person)
        .first()
    )
    if delivery is None or not rules.has_perm("api.manage_webhook", user, delivery.subscription):
        raise Http404
    return delivery
