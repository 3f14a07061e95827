"""The events of a discussion's submissions and of an appeal's forwarding reach the endpoints of
the organizations concerned (a real HTTP server on this machine), announced in the transaction
of the act itself; public facts only."""

import json

import pytest

from tests.factories import make_appeal, make_discussion, make_resident, make_staff
from tests.outbox import deliver_everything
from veche.api import webhooks
from veche.api.models import WebhookDelivery
from veche.api.tests.test_webhooks import lower, verify
from veche.appeals.services import forward_appeal
from veche.discussions.services import publish_meeting_record, submit
from veche.discussions.tests.meeting_cast import hearing, organizer_of
from veche.notifications.models import Event
from veche.organizations.models import Membership

pytestmark = pytest.mark.django_db

PROPOSAL = "Предлагаю сохранить сквер у школы и не строить там парковку."


def _bodies(receiver) -> list[dict]:
    return [json.loads(body) for _headers, body in receiver.received]


@pytest.fixture
def discussion(district, office):
    return make_discussion(territory=district, organizer=office)


def test_a_registered_submission_reaches_the_organizer_signed(receiver, office, head, discussion):
    _subscription, secret = webhooks.subscribe(
        user=head, organization=office, url=receiver.url, events=["submission.registered"]
    )
    participant = make_resident(discussion.territory, first_name="Алсу", last_name="Гарипова")
    submission = submit(user=participant, discussion=discussion, kind="proposal", text=PROPOSAL)
    assert receiver.received == []  # after the commit, by the outbox
    deliver_everything()
    [(headers, body)] = receiver.received
    assert verify(secret, lower(headers), body)
    payload = json.loads(body)
    assert payload["type"] == "submission.registered"
    assert payload["data"]["organization"] == office.slug
    assert payload["data"]["discussion"]["id"] == discussion.pk
    assert payload["data"]["submission"] == {
        "number": submission.registration_number,
        "kind": "proposal",
        "registered_on": submission.created_at.astimezone().date().isoformat(),
    }
    text = body.decode()
    for personal in (participant.email, "Гарипова", "Алсу", PROPOSAL[:20]):
        assert personal not in text


def test_the_submission_event_is_stored_with_the_submission(office, head, discussion, receiver):
    webhooks.subscribe(
        user=head, organization=office, url=receiver.url, events=["submission.registered"]
    )
    submit(
        user=make_resident(discussion.territory),
        discussion=discussion,
        kind="proposal",
        text=PROPOSAL,
    )
    assert Event.objects.filter(name="submission_registered").count() == 1
    assert WebhookDelivery.objects.get().event_type == "submission.registered"


def test_a_submission_is_not_sent_to_an_endpoint_that_did_not_ask(
    receiver, office, head, discussion
):
    webhooks.subscribe(
        user=head, organization=office, url=receiver.url, events=["conclusion.published"]
    )
    submit(
        user=make_resident(discussion.territory),
        discussion=discussion,
        kind="proposal",
        text=PROPOSAL,
    )
    deliver_everything()
    assert receiver.received == []


def test_a_forwarded_appeal_reaches_both_organizations(receiver, office, other_office, head):
    webhooks.subscribe(
        user=head, organization=office, url=receiver.url, events=["appeal.forwarded"]
    )
    webhooks.subscribe(
        user=make_staff(other_office, Membership.Role.HEAD),
        organization=other_office,
        url=receiver.url + "/other",
        events=["appeal.forwarded"],
    )
    appeal = make_appeal(organization=office, status="sent")
    forward_appeal(
        official=make_staff(office, Membership.Role.OFFICIAL),
        appeal=appeal,
        organization=other_office,
        reason="Двор обслуживает управляющая компания.",
    )
    deliver_everything()
    bodies = sorted(_bodies(receiver), key=lambda body: body["data"]["organization"])
    assert [body["data"]["organization"] for body in bodies] == [office.slug, other_office.slug]
    for body in bodies:
        assert body["type"] == "appeal.forwarded"
        assert body["data"]["appeal"]["id"] == appeal.pk
        assert body["data"]["forwarding"] == {"from": office.slug, "to": other_office.slug}
    assert appeal.problem.author.email not in json.dumps(bodies)


def test_a_forwarding_not_subscribed_to_sends_nothing(receiver, office, other_office, head):
    webhooks.subscribe(
        user=head, organization=office, url=receiver.url, events=["appeal.registered"]
    )
    forward_appeal(
        official=make_staff(office, Membership.Role.OFFICIAL),
        appeal=make_appeal(organization=office, status="sent"),
        organization=other_office,
        reason="Не наша компетенция.",
    )
    deliver_everything()
    assert receiver.received == []


def test_a_published_meeting_record_reaches_the_organizer_once(receiver, office, head, district):
    discussion = hearing(started_minutes_ago=90, territory=district, organizer=office)
    webhooks.subscribe(
        user=head, organization=office, url=receiver.url, events=["meeting_record.published"]
    )
    for minutes in ("Выступили 5 участников.", "Выступили 6 участников."):  # then corrected
        publish_meeting_record(
            user=organizer_of(discussion),
            discussion=discussion,
            minutes=minutes,
            recording_url="https://video.example.ru/rec/12",
        )
    deliver_everything()
    [payload] = _bodies(receiver)  # a correction is not news
    discussion.refresh_from_db()
    assert payload["type"] == "meeting_record.published"
    assert payload["data"]["discussion"]["id"] == discussion.pk
    assert payload["data"]["meeting_record"] == {
        "published_at": discussion.meeting_record_published_at.isoformat(),
        "recording_url": "https://video.example.ru/rec/12",
    }
    assert "участников" not in json.dumps(payload, ensure_ascii=False)  # the page has them
