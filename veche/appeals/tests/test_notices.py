"""Who hears of each appeal event: the author, signatories, followers and officials, once each,
never the person who caused it; and how: the action stores the event with an outbox message,
and the outbox's worker makes the notices, once."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import make_appeal, make_organization, make_signature, make_staff, make_user
from tests.sign_in import enter
from veche.appeals.models import Answer, Appeal, Message, Problem, Revision
from veche.core import outbox
from veche.core.models import OutboxMessage
from veche.notifications.models import Event, Notification
from veche.notifications.services import EVENT_KIND, announce
from veche.notifications.tests.builders import follow, person

pytestmark = pytest.mark.django_db

IMMEDIATE_TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def cast():
    """One person in each role around one appeal, and one who has nothing to do with it."""
    organization = make_organization()
    people = {
        "author": person(),
        "signatory": person(),
        "follower": person(),
        "official": person(official_of=organization),
        "stranger": person(),
    }
    appeal = make_appeal(author=people["author"], organization=organization)
    make_signature(appeal, people["author"])
    follow(appeal, people["author"])
    make_signature(appeal, people["signatory"])
    follow(appeal, people["follower"])
    person(official_of=make_organization())  # an official elsewhere
    return appeal, people


def announce_and_deliver(*, event: str, appeal_id: int, context: dict) -> str:
    """What an appeal service does (store the event with its outbox message), then what the
    outbox's worker does with the message."""
    stored = announce(subject=Appeal.objects.get(pk=appeal_id), event=event, context=context)
    return outbox.deliver(event_message(stored).pk)


def event_message(event: Event) -> OutboxMessage:
    return OutboxMessage.objects.get(kind=EVENT_KIND, target_id=event.pk)


def heard(people) -> set[str]:
    ids = set(Notification.objects.values_list("user_id", flat=True))
    return {role for role, person in people.items() if person.pk in ids}


@pytest.mark.parametrize(
    ("event", "context", "expected"),
    [
        ("sent", {}, {"author", "signatory", "follower", "official"}),
        ("registered", {}, {"author", "signatory", "follower"}),
        ("answer_interim", {}, {"author", "signatory", "follower"}),
        ("answer_extension", {}, {"author", "signatory", "follower"}),
        ("answer_forwarding", {}, {"author", "signatory", "follower", "official"}),
        ("answer_final", {}, {"author", "signatory", "follower"}),
        ("message", {"from_organization": True}, {"author"}),
        ("message", {"from_organization": False}, {"official"}),
        ("closed", {"outcome": "solved"}, {"signatory", "follower"}),
        ("escalated", {}, {"signatory", "follower"}),
    ],
)
def test_who_hears_each_event(cast, event, context, expected):
    appeal, people = cast
    announce_and_deliver(event=event, appeal_id=appeal.pk, context=context)
    assert heard(people) == expected


def test_each_person_hears_of_an_event_once_whatever_their_roles(cast):
    appeal, people = cast
    make_signature(appeal, people["follower"])
    follow(appeal, people["signatory"])
    announce_and_deliver(event="registered", appeal_id=appeal.pk, context={})
    counts = {
        person.pk: Notification.objects.filter(user=person).count()
        for person in (people["author"], people["signatory"], people["follower"])
    }
    assert set(counts.values()) == {1}


def test_official_who_follows_hears_that_an_appeal_arrived_not_that_it_was_sent(cast):
    appeal, people = cast
    follow(appeal, people["official"])
    announce_and_deliver(event="sent", appeal_id=appeal.pk, context={})
    kinds = list(
        Notification.objects.filter(user=people["official"]).values_list("kind", flat=True)
    )
    assert kinds == ["appeal_arrived"]
    assert Notification.objects.get(user=people["author"]).kind == "appeal_sent"


def test_withdrawn_signatory_hears_nothing(cast):
    appeal, _people = cast
    former = make_user()
    make_signature(appeal, former, withdrawn=True)
    announce_and_deliver(event="registered", appeal_id=appeal.pk, context={})
    assert not Notification.objects.filter(user=former).exists()


def test_official_who_answered_is_not_told_of_own_answer(cast):
    appeal, people = cast
    follow(appeal, people["official"])
    answer = Answer.objects.create(
        appeal=appeal,
        organization=appeal.organization,
        official=people["official"],
        kind=Answer.Kind.FINAL,
        text="The bench was repaired on Monday.",
    )
    announce_and_deliver(event="answer_final", appeal_id=appeal.pk, context={"answer": answer.pk})
    assert "official" not in heard(people)
    notice = Notification.objects.get(user=people["signatory"])
    assert "The bench was repaired on Monday." in notice.body


def test_author_who_revised_is_not_asked_to_confirm(cast):
    appeal, people = cast
    Revision.objects.create(
        appeal=appeal, number=2, text="New text", author=people["author"], note="Added the date"
    )
    # As a change of substance leaves it: the earlier signatures await confirmation.
    Appeal.objects.filter(pk=appeal.pk).update(signatures_from=2)
    announce_and_deliver(event="revised", appeal_id=appeal.pk, context={"revision": 2})
    assert heard(people) == {"signatory"}
    notice = Notification.objects.get()
    assert "confirm your signature" in notice.title
    assert "Added the date" in notice.body


def test_sender_of_a_message_is_not_told_of_it(cast):
    appeal, people = cast
    colleague = make_staff(appeal.organization)
    message = Message.objects.create(
        appeal=appeal, sender=people["author"], text="When will you come?", from_organization=False
    )
    announce_and_deliver(
        event="message",
        appeal_id=appeal.pk,
        context={"message": message.pk, "from_organization": False},
    )
    assert set(Notification.objects.values_list("user_id", flat=True)) == {
        people["official"].pk,
        colleague.pk,
    }
    assert "When will you come?" in Notification.objects.first().body


def test_actor_given_in_the_context_is_not_told(cast):
    appeal, people = cast
    announce_and_deliver(
        event="registered", appeal_id=appeal.pk, context={"actor": people["follower"].pk}
    )
    assert heard(people) == {"author", "signatory"}


def test_escalation_invites_old_signatories_to_sign_the_new_appeal(cast):
    appeal, people = cast
    higher = make_organization(en="City Hall")
    new = Appeal.objects.create(
        problem=appeal.problem,
        organization=higher,
        previous=appeal,
        status=Appeal.Status.COLLECTING,
        signature_threshold=50,
    )
    announce_and_deliver(event="escalated", appeal_id=appeal.pk, context={"new_appeal": new.pk})
    invitation = Notification.objects.get(user=people["signatory"])
    assert invitation.kind == "escalation_invitation"
    assert "City Hall" in invitation.title
    assert "sign the new appeal" in invitation.body
    assert Notification.objects.get(user=people["follower"]).kind == "appeal_escalated"


def test_inactive_people_hear_nothing(cast):
    appeal, people = cast
    people["follower"].is_active = False
    people["follower"].save()
    announce_and_deliver(event="registered", appeal_id=appeal.pk, context={})
    assert "follower" not in heard(people)


def test_an_unknown_event_stores_nothing():
    appeal = make_appeal()
    assert announce(subject=appeal, event="no-such-event", context={}) is None
    assert not Event.objects.exists()
    assert not OutboxMessage.objects.filter(kind=EVENT_KIND).exists()


def test_an_event_of_an_appeal_that_is_gone_tells_no_one(cast):
    appeal, _people = cast
    stored = announce(subject=appeal, event="registered", context={})
    Event.objects.filter(pk=stored.pk).update(subject_id=10**9)
    assert outbox.deliver(event_message(stored).pk) == "sent"
    assert not Notification.objects.exists()


def test_text_is_in_each_recipients_language_and_links_to_the_problem(cast):
    appeal, people = cast
    people["signatory"].preferred_language = "ru"
    people["signatory"].save()
    appeal.registration_number = "A-17"
    appeal.due_date = timezone.localdate()
    appeal.save()
    announce_and_deliver(event="registered", appeal_id=appeal.pk, context={})
    english = Notification.objects.get(user=people["author"])
    russian = Notification.objects.get(user=people["signatory"])
    assert appeal.organization.name["en"] in english.body
    assert appeal.organization.name["ru"] in russian.body
    assert "A-17" in english.body
    assert english.url == appeal.problem.get_absolute_url()
    assert english.subject == appeal
    assert {english, russian} <= set(Notification.objects.filter(appeal=appeal))
    assert not Notification.objects.filter(appeal=make_appeal()).exists()


def test_registering_through_the_appeal_service_notifies_after_commit(
    cast, settings, django_capture_on_commit_callbacks
):
    from veche.appeals.services import register_appeal

    settings.TASKS = IMMEDIATE_TASKS
    appeal, people = cast
    Appeal.objects.filter(pk=appeal.pk).update(status=Appeal.Status.SENT)
    with django_capture_on_commit_callbacks(execute=True):
        register_appeal(official=people["official"], appeal=appeal, registration_number="B-3")
    assert heard(people) == {"author", "signatory", "follower"}
    assert "B-3" in Notification.objects.get(user=people["author"]).body


# --- Through the outbox ---------------------------------------------------------------------


def send_now(client, appeal: Appeal):
    """The author presses "Send now" on the problem's page."""
    Problem.objects.filter(pk=appeal.problem_id).update(current_appeal=appeal)
    enter(client, appeal.problem.author)
    response = client.post(reverse("appeals:send_now", args=[appeal.problem_id]))
    assert response.status_code == 302
    appeal.refresh_from_db()
    assert appeal.status == Appeal.Status.SENT


def test_the_actions_request_stores_an_outbox_message_not_the_notices(
    client, cast, django_capture_on_commit_callbacks
):
    appeal, _people = cast
    with django_capture_on_commit_callbacks(execute=True):  # committed; the worker not yet run
        send_now(client, appeal)
    assert not Notification.objects.exists()
    event = Event.objects.get()
    assert (event.subject, event.name, event.notified_at) == (appeal, "sent", None)
    # Who acted (not told) and the addressee at the time (named, whenever the notices are made).
    assert event.context == {
        "actor": appeal.problem.author_id,
        "organization": appeal.organization_id,
    }
    message = event_message(event)
    assert message.state == OutboxMessage.State.PENDING


def test_the_sweep_makes_the_notices_of_a_lost_message_once_even_if_run_twice(
    client, cast, settings, django_capture_on_commit_callbacks
):
    appeal, people = cast
    send_now(client, appeal)  # its message is stored, but the task that was to deliver it is lost
    settings.TASKS = IMMEDIATE_TASKS
    later = timezone.now() + datetime.timedelta(seconds=settings.VECHE_OUTBOX_LEASE_SECONDS + 1)
    with django_capture_on_commit_callbacks(execute=True):
        outbox.sweep(now=later)
    assert heard(people) == {"signatory", "follower", "official"}  # the author sent it
    told = Notification.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        assert outbox.sweep(now=later) == 0
    assert Notification.objects.count() == told
    event = Event.objects.get()
    assert event.notified_at is not None
    assert event_message(event).state == OutboxMessage.State.SENT


def test_an_event_delivered_again_after_its_worker_lost_the_lease_tells_no_one_twice(cast):
    appeal, _people = cast
    stored = announce(subject=appeal, event="registered", context={})
    message = event_message(stored)
    assert outbox.deliver(message.pk) == "sent"
    told = Notification.objects.count()
    assert told == 3
    # As if the worker had died after making the notices, before recording "sent".
    OutboxMessage.objects.filter(pk=message.pk).update(
        state=OutboxMessage.State.SENDING, lease_until=timezone.now() - datetime.timedelta(1)
    )
    assert outbox.deliver(message.pk) == "already told"
    assert Notification.objects.count() == told
