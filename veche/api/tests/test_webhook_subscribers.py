"""A subscriber (a person with a confirmed e-mail) hears of public events of a territory and the
territories inside it, through the same deliveries as an organization: public facts only,
signed; private targets refused; the page in both languages; anyone else's endpoint is 404."""

import datetime
import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from tests.factories import make_appeal, make_discussion, make_staff, make_territory, make_user
from tests.outbox import deliver_everything
from tests.sign_in import enter
from veche.accounts.services import erase_account, export_personal_data
from veche.api import webhooks
from veche.api.models import WebhookDelivery, WebhookSubscription
from veche.appeals.services import register_appeal
from veche.core import ratelimits
from veche.core.models import AuditEvent, OutboxMessage, RateLimit
from veche.core.ratelimits import acting_from
from veche.discussions import services as discussion_services
from veche.organizations.models import Membership

pytestmark = pytest.mark.django_db
PAGE = "/accounts/webhooks/"
ENDPOINT = "https://93.184.215.14/veche"  # public: passes the guard without any request


@pytest.fixture
def city():
    return make_territory("kazan")


@pytest.fixture
def newsroom():
    return make_user("desk@newsroom.example")


def register(appeal):
    official = make_staff(appeal.organization, Membership.Role.OFFICIAL)
    register_appeal(official=official, appeal=appeal, registration_number="01-15/77")


def test_an_event_of_a_territory_inside_reaches_the_subscriber_signed(receiver, city, newsroom):
    subscription, secret = webhooks.subscribe_person(
        user=newsroom, url=receiver.url, events=["appeal.registered"], territory=city
    )
    author = make_user("Резидент.Иванов@example.org", first_name="Пётр", last_name="Иванов")
    appeal = make_appeal(author=author, territory=make_territory(parent=city), status="sent")
    register(appeal)
    deliver_everything()
    [(headers, body)] = receiver.received
    headers = {name.lower(): value for name, value in headers.items()}
    assert webhooks.verify(secret, headers, body)
    payload = json.loads(body)
    assert payload["type"] == "appeal.registered"
    assert payload["data"]["appeal"]["registration_number"] == "01-15/77"
    assert payload["data"]["territory"] == appeal.problem.territory.code
    assert "organization" not in payload["data"]
    text = body.decode()
    for personal in (author.email, "Иванов", "Пётр", newsroom.email):
        assert personal not in text
    assert WebhookDelivery.objects.get().subscription == subscription


def test_an_event_of_another_territory_is_not_sent(receiver, city, newsroom):
    webhooks.subscribe_person(
        user=newsroom, url=receiver.url, events=["appeal.registered"], territory=city
    )
    register(make_appeal(territory=make_territory("elsewhere"), status="sent"))
    deliver_everything()
    assert receiver.received == []
    assert not WebhookDelivery.objects.exists()


def test_an_event_of_a_hidden_problem_is_not_sent_to_subscribers(receiver, city, newsroom):
    from django.utils import timezone

    from veche.appeals.models import Problem

    webhooks.subscribe_person(
        user=newsroom, url=receiver.url, events=["appeal.registered"], territory=city
    )
    appeal = make_appeal(territory=make_territory(parent=city), status="sent")
    Problem.objects.filter(pk=appeal.problem_id).update(
        hidden_at=timezone.now(), hidden_reason="spam"
    )
    register(appeal)
    deliver_everything()
    assert receiver.received == []


def test_a_subscriber_may_not_hear_of_a_forwarding(settings, newsroom):
    settings.VECHE_WEBHOOK_ALLOW_NETWORKS = []
    with pytest.raises(ValidationError):
        webhooks.subscribe_person(user=newsroom, url=ENDPOINT, events=["appeal.forwarded"])


@pytest.mark.parametrize(
    "url", ["https://127.0.0.1/x", "https://10.0.0.7/x", "http://93.184.215.14/x"]
)
def test_a_private_or_plain_endpoint_is_refused(settings, newsroom, url):
    settings.VECHE_WEBHOOK_ALLOW_NETWORKS = []
    with pytest.raises(ValidationError):
        webhooks.subscribe_person(user=newsroom, url=url, events=["appeal.answered"])
    assert not WebhookSubscription.objects.exists()


def test_without_a_confirmed_email_nobody_subscribes(settings):
    settings.VECHE_WEBHOOK_ALLOW_NETWORKS = []
    person = make_user(email_verified=False)
    with pytest.raises(PermissionDenied):
        webhooks.subscribe_person(user=person, url=ENDPOINT, events=["appeal.answered"])


def test_a_person_has_at_most_the_cap_of_endpoints(settings, newsroom):
    settings.VECHE_WEBHOOK_ALLOW_NETWORKS = []
    settings.VECHE_WEBHOOK_MAX_PER_PERSON = 1
    webhooks.subscribe_person(user=newsroom, url=ENDPOINT, events=["appeal.answered"])
    with pytest.raises(ValidationError):
        webhooks.subscribe_person(user=newsroom, url=ENDPOINT, events=["appeal.answered"])


@pytest.mark.parametrize(
    ("language", "heading"), [("en", "Webhooks for public events"), ("ru", "Вебхуки")]
)
def test_the_page_adds_an_endpoint_with_its_secret_once(
    client, settings, newsroom, city, language, heading
):
    settings.VECHE_WEBHOOK_ALLOW_NETWORKS = []
    enter(client, newsroom)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = language
    assert heading in client.get(PAGE).content.decode()
    response = client.post(
        f"{PAGE}add/", {"url": ENDPOINT, "events": ["appeal.answered"], "territory": city.pk}
    )
    assert response.status_code == 200
    subscription = WebhookSubscription.objects.get(person=newsroom)
    assert subscription.territory == city
    assert subscription.secret in response.content.decode()
    assert response["Cache-Control"] == "no-store"
    assert subscription.secret not in client.get(PAGE).content.decode()
    assert AuditEvent.objects.get(action="api.webhook_added").actor == newsroom


def test_a_private_endpoint_is_refused_on_the_page_in_russian(client, settings, newsroom):
    settings.VECHE_WEBHOOK_ALLOW_NETWORKS = []
    enter(client, newsroom)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "ru"
    response = client.post(
        f"{PAGE}add/", {"url": "https://10.1.2.3/", "events": ["appeal.answered"]}
    )
    assert response.status_code == 400
    assert "не публичный адрес" in response.content.decode()


def test_the_owner_rotates_and_replays(client, receiver, newsroom, city):
    subscription, secret = webhooks.subscribe_person(
        user=newsroom, url=receiver.url, events=["appeal.registered"]
    )
    register(make_appeal(territory=city, status="sent"))
    deliver_everything()
    enter(client, newsroom)
    assert client.post(f"{PAGE}{subscription.pk}/rotate/").status_code == 200
    assert WebhookSubscription.objects.get().secret != secret
    delivery = WebhookDelivery.objects.get()
    assert client.post(f"{PAGE}deliveries/{delivery.pk}/replay/").status_code == 302
    deliver_everything()
    assert len(receiver.received) == 2
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"api.webhook_secret_rotated", "api.webhook_replayed"} <= actions


def test_a_replay_while_the_delivery_is_being_sent_says_so(client, receiver, newsroom, city):
    webhooks.subscribe_person(user=newsroom, url=receiver.url, events=["appeal.registered"])
    register(make_appeal(territory=city, status="sent"))
    delivery = WebhookDelivery.objects.get()
    # A worker holds it right now, under its lease.
    OutboxMessage.objects.filter(kind=webhooks.KIND).update(
        state=OutboxMessage.State.SENDING,
        lease_until=timezone.now() + datetime.timedelta(minutes=5),
    )
    enter(client, newsroom)
    response = client.post(f"{PAGE}deliveries/{delivery.pk}/replay/", follow=True)
    assert response.status_code == 200
    assert "being sent right now" in response.content.decode()
    assert not AuditEvent.objects.filter(action="api.webhook_replayed").exists()


def replays_a_minute() -> int:
    """The starting table's burst of replays per account (operators may change it)."""
    row = RateLimit.objects.get(action=RateLimit.Action.REPLAY, scope=RateLimit.Scope.ACCOUNT)
    assert row.burst_seconds == 60
    return row.burst_limit


def test_a_subscribers_replays_are_limited(client, receiver, newsroom, city, monkeypatch):
    # The windows are fixed on the clock: one moment 30 s into a minute, so that none turns over
    # between two replays of the test.
    monkeypatch.setattr(ratelimits.time, "time", lambda: 1_800_001_830.0)
    webhooks.subscribe_person(user=newsroom, url=receiver.url, events=["appeal.registered"])
    register(make_appeal(territory=city, status="sent"))
    deliver_everything()
    delivery = WebhookDelivery.objects.get()
    enter(client, newsroom)
    at_most = replays_a_minute()
    url = f"{PAGE}deliveries/{delivery.pk}/replay/"
    assert [client.post(url).status_code for _ in range(at_most)] == [302] * at_most
    refused = client.post(url, HTTP_ACCEPT_LANGUAGE="ru")
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) == 30  # the rest of the minute
    assert "повторная отправка вебхука" in refused.content.decode()
    replayed = AuditEvent.objects.filter(action="api.webhook_replayed").count()
    assert replayed == at_most


def test_a_heads_replays_of_the_organizations_deliveries_are_not_limited(receiver, office, head):
    webhooks.subscribe(
        user=head, organization=office, url=receiver.url, events=["appeal.registered"]
    )
    register(make_appeal(organization=office, status="sent"))
    delivery = WebhookDelivery.objects.get()
    with acting_from("203.0.113.7"):  # as a request would be counted
        for _ in range(replays_a_minute() + 1):
            webhooks.replay(user=head, delivery=delivery)


def test_a_discussion_whose_notice_is_not_out_is_not_told_to_subscribers(receiver, city, newsroom):
    webhooks.subscribe_person(
        user=newsroom, url=receiver.url, events=["discussion.stage_changed"], territory=city
    )
    scheduled = make_discussion(stage="scheduled", territory=make_territory(parent=city))
    running = make_discussion(stage="intake", territory=make_territory(parent=city))
    for discussion in (scheduled, running):
        later = discussion.intake_end + datetime.timedelta(days=3)
        discussion_services.move_dates(
            user=discussion.organizer.memberships.get(role=Membership.Role.ORGANIZER).user,
            discussion=discussion,
            values={"intake_end": later, "exposition_end": later},
            reason="Продлено по просьбе жителей",
            accept_warnings=True,
        )
    deliver_everything()
    # Its page is its organizer's alone until the notice date: subscribers hear of it then.
    told = [json.loads(body)["data"]["discussion"]["id"] for _headers, body in receiver.received]
    assert told == [running.pk]


def test_someone_elses_endpoint_is_not_found(client, settings, newsroom, office, head):
    settings.VECHE_WEBHOOK_ALLOW_NETWORKS = []
    subscription, _ = webhooks.subscribe_person(
        user=newsroom, url=ENDPOINT, events=["appeal.answered"]
    )
    enter(client, make_user())
    assert client.post(f"{PAGE}{subscription.pk}/rotate/").status_code == 404
    assert client.post(f"{PAGE}{subscription.pk}/delete/").status_code == 404
    # Nor does the cabinet's page reach a person's endpoint, or the subscriber's an organization's.
    enter(client, head)
    assert client.post(f"/cabinet/webhooks/{subscription.pk}/rotate/").status_code == 404
    organization_hook, _ = webhooks.subscribe(
        user=head, organization=office, url=ENDPOINT, events=["appeal.answered"]
    )
    assert client.post(f"{PAGE}{organization_hook.pk}/rotate/").status_code == 404
    assert WebhookSubscription.objects.get(pk=subscription.pk).secret == subscription.secret


# --- The subscriber's own data: export and erasure ------------------------------------------

TOKENED = "https://93.184.215.14/hooks/T0/B0/XXXX"  # a receiver's token in the path


def test_the_export_lists_the_endpoints_but_never_a_secret(settings, newsroom, city):
    settings.VECHE_WEBHOOK_ALLOW_NETWORKS = []
    subscription, secret = webhooks.subscribe_person(
        user=newsroom, url=TOKENED, events=["appeal.registered", "appeal.answered"], territory=city
    )
    webhooks.rotate_secret(user=newsroom, subscription=subscription)  # a previous secret too
    webhooks.subscribe_person(user=make_user(), url=ENDPOINT, events=["appeal.answered"])

    exported = export_personal_data(user=newsroom)

    assert exported["webhooks"] == [
        {
            "url": TOKENED,
            "events": ["appeal.answered", "appeal.registered"],
            "territory": city.code,
            "created_at": subscription.created_at.isoformat(),
        }
    ]
    text = json.dumps(exported)
    assert secret not in text
    assert WebhookSubscription.objects.get(pk=subscription.pk).secret not in text


def test_erasure_deletes_the_endpoints_with_their_deliveries_and_audits_it(
    receiver, newsroom, city
):
    subscription, _ = webhooks.subscribe_person(
        user=newsroom, url=receiver.url + "/T0/B0/XXXX", events=["appeal.registered"]
    )
    others, _ = webhooks.subscribe_person(
        user=make_user(), url=receiver.url, events=["appeal.registered"]
    )
    register(make_appeal(territory=city, status="sent"))  # a delivery to each, not yet sent
    assert WebhookDelivery.objects.filter(subscription=subscription).exists()

    erase_account(user=newsroom)

    assert not WebhookSubscription.objects.filter(pk=subscription.pk).exists()
    assert not WebhookDelivery.objects.filter(subscription_id=subscription.pk).exists()
    event = AuditEvent.objects.get(action="api.webhook_removed")
    assert event.object_id == str(subscription.pk)
    assert event.data["person"] == newsroom.pk
    assert event.data["reason"] == "account erased"
    assert "XXXX" not in json.dumps(event.data)  # the address only as its site and digest
    # The erased person's pending delivery is closed as not needed; everyone else's goes out.
    deliver_everything()
    assert len(receiver.received) == 1
    assert WebhookDelivery.objects.get().subscription == others
    assert WebhookSubscription.objects.filter(pk=others.pk).exists()
