"""An endpoint that fails every delivery for VECHE_WEBHOOK_PAUSE_AFTER_DAYS is paused and its
owner told; what happens meanwhile is held, not lost, and sent when the owner resumes it; a
delivery that goes through clears the failing mark; nobody else resumes it."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from tests.factories import make_appeal, make_staff
from tests.outbox import deliver_everything
from tests.sign_in import enter
from veche.api import webhooks
from veche.api.models import WebhookDelivery, WebhookSubscription
from veche.appeals.services import register_appeal
from veche.core import outbox
from veche.core.models import AuditEvent, OutboxMessage
from veche.notifications.models import Notification
from veche.organizations.models import Membership

pytestmark = pytest.mark.django_db
PAGE = "/cabinet/webhooks/"
State = OutboxMessage.State


@pytest.fixture
def endpoint(receiver, office, head, settings):
    settings.VECHE_WEBHOOK_PAUSE_AFTER_DAYS = 3
    subscription, _secret = webhooks.subscribe(
        user=head, organization=office, url=receiver.url, events=["appeal.registered"]
    )
    return subscription


def registered(office, number: str) -> None:
    """An event the endpoint hears of: an appeal registered by the office."""
    official = make_staff(office, Membership.Role.OFFICIAL)
    appeal = make_appeal(organization=office, status="sent")
    register_appeal(official=official, appeal=appeal, registration_number=number)


def failing_for(days: int) -> None:
    """Time passes with the endpoint failing all along."""
    since = timezone.now() - datetime.timedelta(days=days)
    WebhookSubscription.objects.update(failing_since=since)


def retry(delivery_index: int = 0) -> str:
    message = OutboxMessage.objects.filter(kind=webhooks.KIND).order_by("pk")[delivery_index]
    return outbox.deliver(message.pk, now=message.next_attempt_at)


def test_failing_for_days_pauses_tells_the_head_and_holds_what_comes(receiver, office, endpoint):
    receiver.answers = [500, 500]
    registered(office, "1")
    deliver_everything()
    first = WebhookSubscription.objects.get()
    assert first.failing_since is not None and first.paused_at is None
    failing_for(2)
    assert retry() == "failed"
    assert WebhookSubscription.objects.get().paused_at is None  # two days: not yet
    failing_for(4)
    receiver.answers = [503]
    assert retry() == "failed"
    paused = WebhookSubscription.objects.get()
    assert paused.paused_at is not None
    event = AuditEvent.objects.get(action="api.webhook_paused")
    assert event.actor is None and event.data["organization"] == office.pk
    deliver_everything()  # the announced event becomes the head's notice
    [notice] = Notification.objects.filter(kind="webhook_paused")
    assert notice.user_id == endpoint.created_by_id
    assert notice.url == f"{PAGE}?organization={office.slug}"
    # While paused nothing is sent: a new event, and the first one's next try, are held.
    registered(office, "2")
    deliver_everything()
    assert retry() == WebhookDelivery.HELD
    assert len(receiver.received) == 3  # the three failed attempts only
    states = set(OutboxMessage.objects.filter(kind=webhooks.KIND).values_list("state", flat=True))
    assert states == {State.CANCELLED}
    assert set(WebhookDelivery.objects.values_list("last_error", flat=True)) == {
        WebhookDelivery.HELD
    }


def test_resuming_sends_everything_held_once_with_its_own_id(receiver, office, head, endpoint):
    receiver.answers = [500]
    registered(office, "1")
    deliver_everything()
    failing_for(4)
    registered(office, "2")  # fails too, and pauses the endpoint
    receiver.answers = [500]
    deliver_everything()
    assert WebhookSubscription.objects.get().paused_at is not None
    registered(office, "3")
    deliver_everything()
    retry(0)  # the first one's next try: held
    official = make_staff(office, Membership.Role.OFFICIAL)
    with pytest.raises(PermissionDenied):
        webhooks.resume(user=official, subscription=endpoint)
    before = len(receiver.received)
    assert webhooks.resume(user=head, subscription=endpoint) == 3
    deliver_everything()
    sent = receiver.received[before:]
    ids = sorted({k.lower(): v for k, v in h.items()}["webhook-id"] for h, _b in sent)
    assert ids == sorted(WebhookDelivery.objects.values_list("message_id", flat=True))
    assert not WebhookDelivery.objects.filter(delivered_at__isnull=True).exists()
    resumed = WebhookSubscription.objects.get()
    assert (resumed.paused_at, resumed.failing_since) == (None, None)
    event = AuditEvent.objects.get(action="api.webhook_resumed")
    assert (event.actor_id, event.data["sent_again"]) == (head.pk, 3)


def test_a_delivery_that_goes_through_clears_the_failing_mark(receiver, office, endpoint):
    receiver.answers = [500]
    registered(office, "1")
    deliver_everything()
    failing_for(4)
    assert retry() == "sent"  # the receiver is back: 204
    working = WebhookSubscription.objects.get()
    assert (working.failing_since, working.paused_at) == (None, None)


def test_with_no_pause_configured_an_endpoint_is_never_paused(receiver, office, endpoint, settings):
    settings.VECHE_WEBHOOK_PAUSE_AFTER_DAYS = 0
    receiver.answers = [500, 500]
    registered(office, "1")
    deliver_everything()
    failing_for(400)
    assert retry() == "failed"
    assert WebhookSubscription.objects.get().paused_at is None


def test_the_page_shows_the_pause_and_only_its_head_resumes(
    client, receiver, office, other_office, head, endpoint
):
    receiver.answers = [500]
    registered(office, "1")
    deliver_everything()
    enter(client, head)
    page = client.get(PAGE, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Failing" in page and "it will be paused on" in page
    failing_for(4)
    receiver.answers = [500]
    retry()
    enter(client, make_staff(other_office, Membership.Role.HEAD))
    assert client.post(f"{PAGE}{endpoint.pk}/resume/").status_code == 404
    assert WebhookSubscription.objects.get().paused_at is not None
    enter(client, head)
    page = client.get(PAGE, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Paused" in page and f"{PAGE}{endpoint.pk}/resume/" in page
    response = client.post(f"{PAGE}{endpoint.pk}/resume/", HTTP_ACCEPT_LANGUAGE="en", follow=True)
    assert "hears of events again; 1 held message is on its way" in response.content.decode()
    assert WebhookSubscription.objects.get().paused_at is None
    again = client.post(f"{PAGE}{endpoint.pk}/resume/", HTTP_ACCEPT_LANGUAGE="en", follow=True)
    assert "This endpoint is not paused." in again.content.decode()
