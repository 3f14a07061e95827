"""Who hears of each appeal event: the author, signatories, followers and officials, once each,
never the person who caused it."""

import pytest
from django.utils import timezone

from tests.factories import make_appeal, make_organization, make_signature, make_staff, make_user
from veche.appeals.models import Answer, Appeal, Message, Revision
from veche.notifications.models import Notification
from veche.notifications.services import notify_appeal_event

from .builders import follow, person

pytestmark = pytest.mark.django_db


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


def heard(people) -> set[str]:
    ids = set(Notification.objects.values_list("user_id", flat=True))
    return {role for role, person in people.items() if person.pk in ids}


@pytest.mark.parametrize(
    ("event", "context", "expected"),
    [
        ("sent", {}, {"author", "signatory", "follower", "official"}),
        ("registered", {}, {"author", "signatory", "follower"}),
        ("revised", {"revision": 1}, {"signatory"}),
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
    notify_appeal_event(event=event, appeal_id=appeal.pk, context=context)
    assert heard(people) == expected


def test_each_person_hears_of_an_event_once_whatever_their_roles(cast):
    appeal, people = cast
    make_signature(appeal, people["follower"])
    follow(appeal, people["signatory"])
    notify_appeal_event(event="registered", appeal_id=appeal.pk, context={})
    counts = {
        person.pk: Notification.objects.filter(user=person).count()
        for person in (people["author"], people["signatory"], people["follower"])
    }
    assert set(counts.values()) == {1}


def test_official_who_follows_hears_that_an_appeal_arrived_not_that_it_was_sent(cast):
    appeal, people = cast
    follow(appeal, people["official"])
    notify_appeal_event(event="sent", appeal_id=appeal.pk, context={})
    kinds = list(
        Notification.objects.filter(user=people["official"]).values_list("kind", flat=True)
    )
    assert kinds == ["appeal_arrived"]
    assert Notification.objects.get(user=people["author"]).kind == "appeal_sent"


def test_withdrawn_signatory_hears_nothing(cast):
    appeal, _people = cast
    former = make_user()
    make_signature(appeal, former, withdrawn=True)
    notify_appeal_event(event="registered", appeal_id=appeal.pk, context={})
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
    notify_appeal_event(event="answer_final", appeal_id=appeal.pk, context={"answer": answer.pk})
    assert "official" not in heard(people)
    notice = Notification.objects.get(user=people["signatory"])
    assert "The bench was repaired on Monday." in notice.body


def test_author_who_revised_is_not_asked_to_confirm(cast):
    appeal, people = cast
    Revision.objects.create(
        appeal=appeal, number=2, text="New text", author=people["author"], note="Added the date"
    )
    notify_appeal_event(event="revised", appeal_id=appeal.pk, context={"revision": 2})
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
    notify_appeal_event(
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
    notify_appeal_event(
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
    notify_appeal_event(event="escalated", appeal_id=appeal.pk, context={"new_appeal": new.pk})
    invitation = Notification.objects.get(user=people["signatory"])
    assert invitation.kind == "escalation_invitation"
    assert "City Hall" in invitation.title
    assert "sign the new appeal" in invitation.body
    assert Notification.objects.get(user=people["follower"]).kind == "appeal_escalated"


def test_inactive_people_hear_nothing(cast):
    appeal, people = cast
    people["follower"].is_active = False
    people["follower"].save()
    notify_appeal_event(event="registered", appeal_id=appeal.pk, context={})
    assert "follower" not in heard(people)


def test_unknown_event_and_missing_appeal_create_nothing(cast):
    appeal, _people = cast
    assert notify_appeal_event(event="no-such-event", appeal_id=appeal.pk, context={}) == []
    assert notify_appeal_event(event="registered", appeal_id=10**9, context={}) == []
    assert not Notification.objects.exists()


def test_text_is_in_each_recipients_language_and_links_to_the_problem(cast):
    appeal, people = cast
    people["signatory"].preferred_language = "ru"
    people["signatory"].save()
    appeal.registration_number = "A-17"
    appeal.due_date = timezone.localdate()
    appeal.save()
    notify_appeal_event(event="registered", appeal_id=appeal.pk, context={})
    english = Notification.objects.get(user=people["author"])
    russian = Notification.objects.get(user=people["signatory"])
    assert appeal.organization.name["en"] in english.body
    assert appeal.organization.name["ru"] in russian.body
    assert "A-17" in english.body
    assert english.url == appeal.problem.get_absolute_url()
    assert english.problem_id == appeal.problem_id and english.appeal_id == appeal.pk


def test_registering_through_the_appeal_service_notifies_after_commit(
    cast, django_capture_on_commit_callbacks
):
    from veche.appeals.services import register_appeal

    appeal, people = cast
    Appeal.objects.filter(pk=appeal.pk).update(status=Appeal.Status.SENT)
    with django_capture_on_commit_callbacks(execute=True):
        register_appeal(official=people["official"], appeal=appeal, registration_number="B-3")
    assert heard(people) == {"author", "signatory", "follower"}
    assert "B-3" in Notification.objects.get(user=people["author"]).body


def test_an_event_can_be_delivered_by_a_background_task(cast):
    from veche.notifications.tasks import deliver_appeal_event

    appeal, people = cast
    result = deliver_appeal_event.enqueue("registered", appeal.pk, {})
    assert result.return_value == 3
    assert heard(people) == {"author", "signatory", "follower"}
