"""Webhooks: an organization's HTTPS endpoints hear of its events, signed per Standard Webhooks.

Every `announce` of the product apps passes through `fan_out` (a listener of the notifications
registry), in the transaction of the change: an event that maps to a webhook event of an
organization becomes one `WebhookDelivery` per subscribed endpoint and one outbox message each,
so delivery happens after the commit, in the worker, retried with the outbox's back-off and never
inside a request. The body carries public facts only (what the appeal's or discussion's public
page shows), never a person's data.

Each request carries `webhook-id` (the same for every retry and replay of the message),
`webhook-timestamp` and `webhook-signature`: "v1,<base64 HMAC-SHA256 of id.timestamp.body>" with
the endpoint's secret, and also with the previous secret for a while after a rotation.

The endpoint must be a public https address: it is resolved when registered and again before
each delivery (a name that later resolves inside our network is refused then), unless the
operator admitted the host in VECHE_WEBHOOK_ALLOW_NETWORKS. The delivery connects to the very
address the check approved (Host header and TLS server name of the URL's host), so a name that
answers a public address to the check and a private one a moment later gets nowhere. Redirects
are not followed.
"""

import base64
import datetime
import hashlib
import hmac
import json
import secrets
import time
import uuid
from urllib.parse import urlsplit

import requests
import rules
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from veche.api.models import PUBLIC_EVENTS, WebhookDelivery, WebhookEvent, WebhookSubscription
from veche.appeals.queries import public_problems
from veche.core import outbox, ratelimits
from veche.core.audit import record_event
from veche.core.models import OutboxMessage, RateLimit
from veche.core.net_guard import (
    IPAddress,
    OutboundURLRefused,
    approved_address,
    is_allowed_by_operator,
    post_pinned,
)
from veche.discussions.models import Submission
from veche.notifications.services import announce
from veche.organizations.models import Organization

KIND = "api.webhook"
SECRET_PREFIX = "whsec_"  # noqa: S105 (the Standard Webhooks prefix, not a secret)

# (model label, announced event) → the webhook event; the organization is found by `_owner`.
EVENTS = {
    ("appeals.appeal", "sent"): WebhookEvent.APPEAL_DISPATCHED,
    ("appeals.appeal", "registered"): WebhookEvent.APPEAL_REGISTERED,
    ("appeals.appeal", "answer_final"): WebhookEvent.APPEAL_ANSWERED,
    ("appeals.appeal", "escalated"): WebhookEvent.APPEAL_ESCALATED,
    ("appeals.appeal", "answer_forwarding"): WebhookEvent.APPEAL_FORWARDED,
    ("discussions.discussion", "submission_registered"): WebhookEvent.SUBMISSION_REGISTERED,
    ("discussions.discussion", "announced"): WebhookEvent.DISCUSSION_STAGE_CHANGED,
    ("discussions.discussion", "schedule_changed"): WebhookEvent.DISCUSSION_STAGE_CHANGED,
    ("discussions.discussion", "cancelled"): WebhookEvent.DISCUSSION_STAGE_CHANGED,
    ("discussions.discussion", "meeting_record"): WebhookEvent.MEETING_RECORD_PUBLISHED,
    ("discussions.discussion", "conclusion"): WebhookEvent.CONCLUSION_PUBLISHED,
}


# --- Signing ----------------------------------------------------------------------------------


def new_secret() -> str:
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()


def sign(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    """One Standard Webhooks signature: "v1,<base64 HMAC-SHA256>" over "id.timestamp.body"."""
    key = base64.b64decode(secret.removeprefix(SECRET_PREFIX))
    signed = f"{message_id}.{timestamp}.".encode() + body
    return "v1," + base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()


def verify(secret: str, headers: dict[str, str], body: bytes) -> bool:
    """What a receiver does (lower-case header names): one of the signatures must match. A
    receiver should also refuse a timestamp far from its clock and a webhook-id seen before."""
    try:
        timestamp = int(headers["webhook-timestamp"])
        expected = sign(secret, headers["webhook-id"], timestamp, body)
    except (KeyError, ValueError):
        return False
    return any(
        hmac.compare_digest(expected, given)
        for given in headers.get("webhook-signature", "").split()
    )


def signing_secrets(subscription: WebhookSubscription, now: datetime.datetime) -> list[str]:
    """The current secret, and the previous one while it is still honoured after a rotation."""
    found = [subscription.secret]
    until = subscription.previous_secret_until
    if subscription.previous_secret and until is not None and until > now:
        found.append(subscription.previous_secret)
    return found


def headers(delivery: WebhookDelivery, body: bytes, now: datetime.datetime) -> dict[str, str]:
    timestamp = int(now.timestamp())
    signatures = [
        sign(secret, delivery.message_id, timestamp, body)
        for secret in signing_secrets(delivery.subscription, now)
    ]
    return {
        "content-type": "application/json",
        "user-agent": "Veche-Webhooks/1",
        "webhook-id": delivery.message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": " ".join(signatures),
    }


# --- Fan-out ----------------------------------------------------------------------------------


def _owner(label: str, subject) -> int | None:
    if label == "appeals.appeal":
        return subject.organization_id
    if label == "discussions.discussion":
        return subject.organizer_id
    return None


def _organizations_told(label: str, subject, context: dict) -> list[int]:
    """The organizations whose endpoints hear of the event: the appeal's addressee of the
    moment (and, for a forwarding, the one it left too), a discussion's organizer."""
    if label != "appeals.appeal":
        return [_owner(label, subject)]
    told = [context.get("organization") or _owner(label, subject)]
    if context.get("forwarded_from"):
        told.append(context["forwarded_from"])
    return told


def _territory(label: str, subject):
    if label == "appeals.appeal":
        return subject.problem.territory
    return subject.territory


def _public(label: str, subject) -> bool:
    """Whether the public may see the subject now: a hidden, held or refused problem, or a
    discussion not yet announced, tells subscribers nothing."""
    if label == "appeals.appeal":
        return public_problems().filter(pk=subject.problem_id).exists()
    if label == "discussions.discussion":
        # As the discussion's page decides: not before its notice date (stage "scheduled").
        return subject.is_public
    return True


def _subscribers(label: str, subject, event_type: str) -> list[WebhookSubscription]:
    """The persons' endpoints that hear of a public event in the subject's territory (one of
    theirs or inside it)."""
    if event_type not in PUBLIC_EVENTS or not _public(label, subject):
        return []
    path = _territory(label, subject).path
    return [
        subscription
        for subscription in WebhookSubscription.objects.filter(
            person__isnull=False, person__is_active=True
        ).select_related("territory")
        if event_type in subscription.events
        and (subscription.territory is None or path.startswith(subscription.territory.path))
    ]


def _public_facts(label: str, subject, event: str, context: dict) -> dict:
    """What the subject's public page shows: nothing about a person."""
    url = settings.SITE_URL + subject.get_absolute_url()
    if label == "appeals.appeal":
        facts = {
            "appeal": {
                "id": subject.pk,
                "status": subject.status,
                "registration_number": subject.registration_number,
                "due_date": subject.due_date.isoformat() if subject.due_date else None,
                "url": url,
            }
        }
        if context.get("forwarded_from"):
            slugs = dict(
                Organization.objects.filter(
                    pk__in=[context["forwarded_from"], subject.organization_id]
                ).values_list("pk", "slug")
            )
            facts["forwarding"] = {
                "from": slugs.get(context["forwarded_from"]),
                "to": slugs.get(subject.organization_id),
            }
        return facts
    facts = {"discussion": {"id": subject.pk, "stage": subject.stage, "event": event, "url": url}}
    if context.get("submission"):
        facts["submission"] = _submission_facts(context["submission"])
    if event == "meeting_record":
        facts["meeting_record"] = {
            "published_at": subject.meeting_record_published_at.isoformat(),
            "recording_url": subject.recording_url or None,
        }
    return facts


def _submission_facts(pk: int) -> dict:
    """A registered submission as the protocol names it: its number, kind and date; never its
    author or text (a hidden one keeps its number too)."""
    submission = Submission.objects.get(pk=pk)
    return {
        "number": submission.registration_number,
        "kind": submission.kind,
        "registered_on": timezone.localtime(submission.created_at).date().isoformat(),
    }


def fan_out(*, subject, event: str, context: dict) -> list[WebhookDelivery]:
    """The registry's listener: store the deliveries of an announced event (in its transaction)."""
    label = subject._meta.label_lower
    event_type = EVENTS.get((label, event))
    if event_type is None:
        return []
    subscriptions = [
        subscription
        for subscription in WebhookSubscription.objects.filter(
            organization_id__in=_organizations_told(label, subject, context)
        ).select_related("organization")
        if event_type in subscription.events
    ] + _subscribers(label, subject, event_type)
    if not subscriptions:
        return []
    now = timezone.now()
    facts = _public_facts(label, subject, event, context)
    territory = {"territory": _territory(label, subject).code}
    deliveries = WebhookDelivery.objects.bulk_create(
        WebhookDelivery(
            subscription=subscription,
            message_id=f"msg_{uuid.uuid4().hex}",
            event_type=event_type,
            # Each organization hears of it as its own: its slug names whose endpoint it is; a
            # subscriber hears where it happened.
            payload={
                "type": str(event_type),
                "timestamp": now.isoformat(),
                "data": (
                    {"organization": subscription.organization.slug}
                    if subscription.organization_id
                    else territory
                )
                | facts,
            },
            created_at=now,
        )
        for subscription in subscriptions
    )
    outbox.put_many(kind=KIND, target_ids=[delivery.pk for delivery in deliveries])
    return deliveries


# --- Delivery (the outbox's sender) -----------------------------------------------------------


class DeliveryFailed(Exception):
    pass


def check_endpoint(url: str, *, timeout: float | None = None) -> IPAddress:
    """Refuse an endpoint that is not a public https address, unless the operator admitted it;
    return the address approved, the one the delivery connects to. Its name is looked up
    within `timeout` seconds (`time_limit()` when None)."""
    allowed = settings.VECHE_WEBHOOK_ALLOW_NETWORKS
    timeout = time_limit() if timeout is None else timeout
    address = approved_address(url, allowed=allowed, timeout=timeout)
    host = (urlsplit(url).hostname or "").rstrip(".")
    # Plain http only to a receiver the operator admitted (this machine, in development).
    if urlsplit(url).scheme.lower() != "https" and not is_allowed_by_operator(host, allowed):
        raise OutboundURLRefused(_("The endpoint must be an https:// address."))
    return address


def time_limit() -> float:
    """How long one delivery may take, from connecting to the answer's headers (its body is
    never read): VECHE_WEBHOOK_TIMEOUT_SECONDS, and never as long as half the outbox's lease,
    so that no second worker takes the message while the first is still sending it."""
    return min(settings.VECHE_WEBHOOK_TIMEOUT_SECONDS, settings.VECHE_OUTBOX_LEASE_SECONDS / 2)


def deliver(message: OutboxMessage) -> None:
    """Send one delivery; raise to have the outbox retry it later."""
    delivery = (
        WebhookDelivery.objects.select_related("subscription").filter(pk=message.target_id).first()
    )
    if delivery is None:
        raise outbox.NothingToSend("the endpoint was deleted")
    now = timezone.now()
    if delivery.subscription.paused_at is not None:
        # Held, not lost: resuming the endpoint sends it (`resume`).
        WebhookDelivery.objects.filter(pk=delivery.pk).update(last_error=WebhookDelivery.HELD)
        raise outbox.NothingToSend(WebhookDelivery.HELD)
    body = json.dumps(delivery.payload, ensure_ascii=False, separators=(",", ":")).encode()
    outcome = {"attempts": delivery.attempts + 1, "status_code": None, "last_error": ""}
    try:
        # Again at each attempt: the name may resolve elsewhere now than when it was registered.
        # and the connection goes to the address checked, not to a second answer (rebinding).
        # The lookup and the exchange share one time limit.
        limit, started = time_limit(), time.monotonic()
        address = check_endpoint(delivery.subscription.url, timeout=limit)
        response = post_pinned(
            delivery.subscription.url,
            address,
            data=body,
            headers=headers(delivery, body, now),
            timeout=max(limit - (time.monotonic() - started), 0.001),
        )
    except OutboundURLRefused as refusal:
        outcome["last_error"] = str(refusal)[:500]
        WebhookDelivery.objects.filter(pk=delivery.pk).update(**outcome)
        _failing(delivery.subscription, now)
        raise outbox.NothingToSend(str(refusal)) from None
    except requests.RequestException as error:
        outcome["last_error"] = f"{type(error).__name__}: {error}"[:500]
        WebhookDelivery.objects.filter(pk=delivery.pk).update(**outcome)
        _failing(delivery.subscription, now)
        raise DeliveryFailed(outcome["last_error"]) from None
    outcome["status_code"] = response.status_code
    if not 200 <= response.status_code < 300:
        outcome["last_error"] = f"HTTP {response.status_code}"
        WebhookDelivery.objects.filter(pk=delivery.pk).update(**outcome)
        _failing(delivery.subscription, now)
        raise DeliveryFailed(outcome["last_error"])
    WebhookDelivery.objects.filter(pk=delivery.pk).update(**outcome, delivered_at=timezone.now())
    WebhookSubscription.objects.filter(
        pk=delivery.subscription_id, failing_since__isnull=False
    ).update(failing_since=None)


# --- A failing endpoint is paused -------------------------------------------------------------
#
# An endpoint that has answered nothing but failures for VECHE_WEBHOOK_PAUSE_AFTER_DAYS (gone,
# moved, its certificate expired) is paused, as a mail server stops writing to a dead address:
# each delivery to it would hold a worker for up to its time limit, again and again for days.
# Its owner is told and resumes it from the webhooks page once it works again; what happened
# meanwhile is held for it (delivered neither late nor never: sent on resuming, with the same
# webhook-id as ever, so a receiver that got one before drops the repeat).


def _failing(subscription: WebhookSubscription, now: datetime.datetime) -> None:
    """Note a failed attempt; pause the endpoint if it has failed since long enough."""
    WebhookSubscription.objects.filter(pk=subscription.pk, failing_since__isnull=True).update(
        failing_since=now
    )
    days = settings.VECHE_WEBHOOK_PAUSE_AFTER_DAYS
    if not days:
        return
    with transaction.atomic():
        paused = WebhookSubscription.objects.filter(
            pk=subscription.pk,
            paused_at__isnull=True,
            failing_since__lte=now - datetime.timedelta(days=days),
        ).update(paused_at=now)
        if not paused:
            return  # working, not failing long enough, or paused by another worker already
        subscription = WebhookSubscription.objects.get(pk=subscription.pk)
        record_event(
            actor=None,
            action="api.webhook_paused",
            target=subscription,
            data=_owner_of(subscription)
            | _url_on_record(subscription.url)
            | {"failing_since": subscription.failing_since.isoformat()},
        )
        announce(subject=subscription, event="paused")


@transaction.atomic
def resume(*, user, subscription: WebhookSubscription) -> int:
    """Send to the endpoint again, and send it now what it missed: each undelivered delivery
    since it began to fail, held, given up or waiting for its next try. Returns how many."""
    subscription = WebhookSubscription.objects.select_for_update().get(pk=subscription.pk)
    _require(rules.has_perm("api.manage_webhook", user, subscription))
    if subscription.paused_at is None:
        raise ValidationError(_("This endpoint is not paused."))
    held = WebhookDelivery.objects.filter(
        subscription=subscription,
        delivered_at__isnull=True,
        created_at__gte=subscription.failing_since or subscription.paused_at,
    ).values("pk")
    stopped = OutboxMessage.objects.filter(
        kind=KIND,
        target_id__in=held,
        state__in=[
            OutboxMessage.State.CANCELLED,
            OutboxMessage.State.GAVE_UP,
            OutboxMessage.State.FAILED,
        ],
    ).order_by("pk")
    count = 0
    for message in stopped:
        outbox.send_again(message)
        count += 1
    record_event(
        actor=user,
        action="api.webhook_resumed",
        target=subscription,
        data=_owner_of(subscription)
        | _url_on_record(subscription.url)
        | {"paused_at": subscription.paused_at.isoformat(), "sent_again": count},
    )
    WebhookSubscription.objects.filter(pk=subscription.pk).update(
        paused_at=None, failing_since=None
    )
    return count


# --- The head's use cases ---------------------------------------------------------------------


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied(_("Only the head of the organization manages its webhooks."))


@transaction.atomic
def subscribe(
    *, user, organization: Organization, url: str, events
) -> tuple[WebhookSubscription, str]:
    """A new endpoint with its secret (shown this once on the page)."""
    organization = Organization.objects.select_for_update().get(pk=organization.pk)
    _require(rules.has_perm("api.manage_webhooks_of", user, organization))
    url, events = _checked(url, events, offered=WebhookEvent.values)
    if organization.webhooks.count() >= settings.VECHE_WEBHOOK_MAX_PER_ORGANIZATION:
        raise ValidationError(
            _("An organization has at most %(count)s endpoints.")
            % {"count": settings.VECHE_WEBHOOK_MAX_PER_ORGANIZATION}
        )
    secret = new_secret()
    subscription = WebhookSubscription.objects.create(
        organization=organization, url=url, events=events, secret=secret, created_by=user
    )
    record_event(
        actor=user,
        action="api.webhook_added",
        target=subscription,
        data={"organization": organization.pk, **_url_on_record(url), "events": events},
    )
    return subscription, secret


def _url_on_record(url: str) -> dict:
    """The endpoint as the audit log keeps it, for ever: its site, and a digest that tells one
    address from another. Never the whole address, whose path or query may carry the receiver's
    token (…/hooks/T0/B0/XXXX, ?key=…)."""
    parts = urlsplit(url)
    return {
        "endpoint": f"{parts.scheme}://{parts.netloc}",
        "url_sha256": hashlib.sha256(url.encode()).hexdigest(),
    }


def _owner_of(subscription: WebhookSubscription) -> dict:
    if subscription.person_id is not None:
        return {"person": subscription.person_id}
    return {"organization": subscription.organization_id}


def _checked(url: str, events, *, offered) -> tuple[str, list[str]]:
    """The endpoint's address (public, https) and its events (among those offered)."""
    url = (url or "").strip()
    try:
        check_endpoint(url)
    except OutboundURLRefused as refusal:
        raise ValidationError({"url": str(refusal)}) from None
    events = sorted(set(events))
    if not events:
        raise ValidationError({"events": _("Choose the events the endpoint hears of.")})
    if set(events) - set(offered):
        raise ValidationError({"events": _("Choose among the events offered.")})
    return url, events


@transaction.atomic
def subscribe_person(*, user, url: str, events, territory=None) -> tuple[WebhookSubscription, str]:
    """A subscriber's new endpoint for public events (of `territory` and inside it), with its
    secret shown this once."""
    if not rules.has_perm("api.hold_webhooks", user):
        raise PermissionDenied(_("Confirm your e-mail address to add webhooks."))
    # The cap holds under races: one endpoint added at a time per person.
    user = get_user_model().objects.select_for_update().get(pk=user.pk)
    url, events = _checked(url, events, offered=PUBLIC_EVENTS)
    if user.webhooks.count() >= settings.VECHE_WEBHOOK_MAX_PER_PERSON:
        raise ValidationError(
            _("A person has at most %(count)s endpoints.")
            % {"count": settings.VECHE_WEBHOOK_MAX_PER_PERSON}
        )
    secret = new_secret()
    subscription = WebhookSubscription.objects.create(
        person=user, territory=territory, url=url, events=events, secret=secret, created_by=user
    )
    record_event(
        actor=user,
        action="api.webhook_added",
        target=subscription,
        data={
            "person": user.pk,
            "territory": territory.pk if territory else None,
            **_url_on_record(url),
            "events": events,
        },
    )
    return subscription, secret


@transaction.atomic
def rotate_secret(*, user, subscription: WebhookSubscription) -> str:
    """A new secret; the old one still signs beside it for VECHE_WEBHOOK_OLD_SECRET_HOURS."""
    subscription = WebhookSubscription.objects.select_for_update().get(pk=subscription.pk)
    _require(rules.has_perm("api.manage_webhook", user, subscription))
    secret = new_secret()
    subscription.previous_secret = subscription.secret
    subscription.previous_secret_until = timezone.now() + datetime.timedelta(
        hours=settings.VECHE_WEBHOOK_OLD_SECRET_HOURS
    )
    subscription.secret = secret
    subscription.save(update_fields=["secret", "previous_secret", "previous_secret_until"])
    record_event(
        actor=user,
        action="api.webhook_secret_rotated",
        target=subscription,
        data=_owner_of(subscription) | _url_on_record(subscription.url),
    )
    return secret


@transaction.atomic
def remove(*, user, subscription: WebhookSubscription) -> None:
    subscription = WebhookSubscription.objects.select_for_update().get(pk=subscription.pk)
    _require(rules.has_perm("api.manage_webhook", user, subscription))
    record_event(
        actor=user,
        action="api.webhook_removed",
        target=subscription,
        data=_owner_of(subscription) | _url_on_record(subscription.url),
    )
    subscription.delete()


@transaction.atomic
def replay(*, user, delivery: WebhookDelivery) -> None:
    """Send the delivery once more, with the same webhook-id, whatever became of it. A
    subscriber's replays are limited, as each makes a worker connect to an address the person
    chose with a fresh count of attempts (the rate-limit table, action "replay"); an
    organization's head's are not."""
    delivery = WebhookDelivery.objects.select_related("subscription").get(pk=delivery.pk)
    _require(rules.has_perm("api.manage_webhook", user, delivery.subscription))
    if delivery.subscription.person_id is not None:
        ratelimits.spend(RateLimit.Action.REPLAY, user)
    message = OutboxMessage.objects.filter(kind=KIND, target_id=delivery.pk).first()
    if message is None:
        outbox.put(kind=KIND, target_id=delivery.pk)
    else:
        outbox.send_again(message)
    record_event(
        actor=user,
        action="api.webhook_replayed",
        target=delivery.subscription,
        data={"delivery": delivery.pk, "webhook_id": delivery.message_id},
    )


# --- A subscriber's own data (the personal-data registry) --------------------------------------


def export_subscriptions(user) -> dict:
    """The person's own endpoints for the export of their data: where they point, what they
    hear of and since when; never a secret, which would let whoever holds the file sign as
    Veche to the person's receiver."""
    return {
        "webhooks": [
            {
                "url": subscription.url,
                "events": subscription.events,
                "territory": subscription.territory.code if subscription.territory_id else None,
                "created_at": subscription.created_at.isoformat(),
            }
            for subscription in WebhookSubscription.objects.filter(person=user)
            .select_related("territory")
            .order_by("created_at", "id")
        ]
    }


def erase_subscriptions(user) -> None:
    """An erased account's endpoints go, with their deliveries: the address and the secret are
    the person's, and nothing is sent to an inactive account anyway. Each removal is audited as
    when the person removes one (the address only as its site and digest). A delivery still
    waiting in the outbox finds its row gone and is closed as not needed."""
    for subscription in WebhookSubscription.objects.select_for_update().filter(person=user):
        record_event(
            actor=user,
            action="api.webhook_removed",
            target=subscription,
            data=_owner_of(subscription)
            | _url_on_record(subscription.url)
            | {"reason": "account erased"},
        )
        subscription.delete()


def register() -> None:
    from veche.notifications import registry

    outbox.register(KIND, deliver)
    registry.listen(fan_out)
