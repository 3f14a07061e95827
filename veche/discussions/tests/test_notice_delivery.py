"""How people hear of a discussion: an action stores its event with an outbox message in its own
transaction and tells no one by itself; the outbox's worker works out who hears of the event and
stores their notices, once, however often the message is delivered."""

import datetime

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from tests.factories import (
    make_discussion,
    make_organization,
    make_resident,
    make_staff,
    make_territory,
    make_user,
)
from tests.sign_in import enter
from veche.core import outbox
from veche.core.models import OutboxMessage
from veche.discussions import services
from veche.discussions.models import (
    Application,
    Discussion,
    ExpertAnswer,
    Follow,
    Milestone,
    Submission,
)
from veche.discussions.tests.organizer_cast import (
    file_application,
    make_legal_entity_representative,
)
from veche.notifications.models import Event, Notification
from veche.notifications.services import EVENT_KIND, announce
from veche.notifications.tests.builders import deliver_events
from veche.organizations.models import Membership

pytestmark = pytest.mark.django_db

IMMEDIATE_TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
PROPOSAL = "Сохранить липы вдоль улицы Пушкина."
QUESTION = "Сколько мест будет на парковке?"


@pytest.fixture
def cast():
    """One discussion in its intake with a person in each role around it, and one who has
    nothing to do with it. The organizer follows the territory too."""
    territory = make_territory(code="district")
    expert = make_user()
    discussion = make_discussion(stage="intake", territory=territory, experts=[expert])
    people = {
        "organizer": discussion.created_by,
        "expert": expert,
        "follower": make_user(),
        "participant": make_resident(territory),
        "stranger": make_resident(make_territory(code="elsewhere")),
    }
    Follow.objects.create(user=people["follower"], territory=territory)
    Follow.objects.create(user=people["organizer"], territory=territory)
    return discussion, people


def heard(people, kind: str | None = None) -> set[str]:
    notices = Notification.objects.all() if kind is None else Notification.objects.filter(kind=kind)
    ids = set(notices.values_list("user_id", flat=True))
    return {role for role, person in people.items() if person.pk in ids}


def propose(discussion, person, text=PROPOSAL, kind=Submission.Kind.PROPOSAL) -> Submission:
    return services.submit(user=person, discussion=discussion, kind=kind, text=text)


def put_off_the_conclusion(discussion, organizer) -> None:
    services.move_date(
        user=organizer,
        discussion=discussion,
        field="conclusion_due",
        value=discussion.conclusion_due + datetime.timedelta(days=3),
        reason="Праздничные дни.",
        accept_warnings=True,
    )


def told_so_far() -> None:
    """Tell and forget what the set-up announced: each test looks at its own action alone."""
    deliver_events()
    Notification.objects.all().delete()


# --- Who hears of each event ----------------------------------------------------------------


def objects_of(discussion, people) -> dict:
    """What the events of the discussion are about: a proposal and a question of the
    participant, the expert's answer, progress on the whole project and on the proposal."""
    proposal = propose(discussion, people["participant"])
    question = propose(discussion, people["participant"], QUESTION, Submission.Kind.QUESTION)
    answer = ExpertAnswer.objects.create(submission=question, expert=people["expert"], text="120.")
    on_project, on_proposal = (
        Milestone.objects.create(
            discussion=discussion,
            submission=submission,
            title="Сквер разбит",
            percent=50,
            recorded_by=people["organizer"],
        )
        for submission in (None, proposal)
    )
    return {
        "proposal": proposal.pk,
        "question": question.pk,
        "answer": answer.pk,
        "on_project": on_project.pk,
        "on_proposal": on_proposal.pk,
    }


@pytest.mark.parametrize(
    ("event", "context", "expected"),
    [
        # Nobody's act: everyone who follows hears, the organizer who follows too.
        ("announced", {}, {"organizer", "follower", "participant"}),
        ("cancelled", {}, {"follower", "participant"}),
        ("protocol", {}, {"follower", "participant"}),
        ("conclusion", {}, {"follower", "participant"}),
        ("progress", {"milestone": "on_project"}, {"follower", "participant"}),
        ("progress", {"milestone": "on_proposal"}, {"participant"}),
        ("recommendation", {"submission": "proposal"}, {"participant"}),
        ("question_asked", {"submission": "question"}, {"expert"}),
        ("question_answered", {"answer": "answer"}, {"participant"}),
    ],
)
def test_who_hears_each_event(cast, event, context, expected):
    discussion, people = cast
    objects = objects_of(discussion, people)
    told_so_far()
    context = {name: objects[key] for name, key in context.items()}
    if event != "announced":
        context["actor"] = people["organizer"].pk  # who acted is not told
    announce(subject=discussion, event=event, context=context)
    deliver_events()
    assert heard(people) == expected
    assert {notice.subject for notice in Notification.objects.all()} == {discussion}


def test_the_organizer_who_moves_a_date_is_not_told_of_it_but_the_others_are(cast):
    discussion, people = cast
    propose(discussion, people["participant"])
    told_so_far()
    put_off_the_conclusion(discussion, people["organizer"])
    deliver_events()
    assert heard(people) == {"follower", "participant"}
    notice = Notification.objects.get(user=people["follower"])
    assert notice.kind == "discussion_schedule_changed"
    assert "Праздничные дни." in notice.body
    assert discussion.title in notice.title


def test_the_expert_reminder_is_announced_once_a_day_and_not_after_an_answer(cast, settings):
    settings.VECHE_EXPERT_REMINDER_HOURS = 1
    discussion, people = cast
    question = propose(discussion, people["participant"], QUESTION, Submission.Kind.QUESTION)
    told_so_far()
    later = timezone.now() + datetime.timedelta(hours=2)
    assert services.send_due_notices(later)["experts_reminded"] == 1
    assert services.send_due_notices(later)["experts_reminded"] == 0
    assert Event.objects.filter(name="expert_reminder").count() == 1
    # Answered before the worker came to the reminder: it reminds no one.
    ExpertAnswer.objects.create(submission=question, expert=people["expert"], text="120.")
    deliver_events()
    assert not Notification.objects.filter(kind="discussion_expert_reminder").exists()


def test_publishing_on_the_notice_date_announces_in_the_same_transaction():
    territory = make_territory()
    follower = make_user()
    Follow.objects.create(user=follower, territory=territory)
    draft = make_discussion(stage="scheduled", territory=territory, publish=False)
    today = timezone.localdate()
    Discussion.objects.filter(pk=draft.pk).update(notice_date=today)
    draft.refresh_from_db()
    services.publish_discussion(user=draft.created_by, discussion=draft, accept_warnings=True)
    draft.refresh_from_db()
    assert draft.notice_sent_at is not None
    assert Event.objects.get(name="announced").subject == draft
    assert not Notification.objects.exists()
    assert services.send_due_notices()["announced"] == 0
    deliver_events()
    assert follower.notifications.get().kind == "discussion_announced"


def test_applications_are_heard_of_by_the_organizers_and_then_the_applicant(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    territory = make_territory()
    authority = make_organization(jurisdiction=[territory])
    organizer = make_staff(authority, Membership.Role.ORGANIZER)
    official_elsewhere = make_staff(make_organization(), Membership.Role.ORGANIZER)
    developer = make_legal_entity_representative()
    application = file_application(developer, authority, territory)
    assert not Notification.objects.exists()
    deliver_events()
    filed = Notification.objects.get()
    assert (filed.user, filed.kind) == (organizer, "discussion_application_filed")
    assert (filed.subject, filed.url) == (application, reverse("discussions:applications"))
    assert "Склад на участке" in filed.title
    services.decide_application(
        user=organizer, application=application, accept=True, reason="Проект полный."
    )
    deliver_events()
    decided = Notification.objects.exclude(pk=filed.pk).get()
    assert (decided.user, decided.kind) == (developer, "discussion_application_decided")
    assert "Проект полный." in decided.body
    assert not official_elsewhere.notifications.exists()
    assert Application.objects.get().status == Application.Status.ACCEPTED


# --- The action stores an event; the worker tells, once ---------------------------------------


def test_each_action_stores_its_event_with_an_outbox_message_and_tells_no_one(cast):
    discussion, people = cast
    proposal = propose(discussion, people["participant"])
    question = propose(discussion, people["participant"], QUESTION, Submission.Kind.QUESTION)
    services.answer_question(expert=people["expert"], submission=question, text="120 мест.")
    services.recommend(
        user=people["organizer"],
        submission=proposal,
        recommendation=Submission.Recommendation.ACCEPTED,
        reason="Липы сохраняются.",
    )
    put_off_the_conclusion(discussion, people["organizer"])
    services.cancel_discussion(
        user=people["organizer"], discussion=discussion, reason="Проект отозван."
    )
    assert not Notification.objects.exists()
    events = list(Event.objects.order_by("id"))
    assert [event.name for event in events] == [
        "submission_registered",  # the proposal's, for webhooks: nobody is told by notice
        "submission_registered",
        "question_asked",
        "question_answered",
        "recommendation",
        "schedule_changed",
        "cancelled",
    ]
    assert all(event.notified_at is None for event in events)
    messages = OutboxMessage.objects.filter(kind=EVENT_KIND)
    assert sorted(messages.values_list("target_id", flat=True)) == [event.pk for event in events]
    assert set(messages.values_list("state", flat=True)) == {OutboxMessage.State.PENDING}

    deliver_events()
    assert all(event.notified_at for event in Event.objects.all())
    kinds = Notification.objects.filter(user=people["participant"]).values_list("kind", flat=True)
    assert set(kinds) == {
        "discussion_question_answered",
        "discussion_recommendation",
        "discussion_schedule_changed",
        "discussion_cancelled",
    }
    assert heard(people, "discussion_question_asked") == {"expert"}


def test_the_request_of_a_question_stores_the_event_and_tells_no_one(
    client, cast, django_capture_on_commit_callbacks
):
    discussion, people = cast
    enter(client, people["participant"])
    data = {"kind": "question", "text": QUESTION, "material": "", "page": "", "confirm": "yes"}
    with django_capture_on_commit_callbacks(execute=True):  # committed; the worker not yet run
        response = client.post(reverse("discussions:submit", args=[discussion.pk]), data)
    assert response.status_code == 302
    assert not Notification.objects.exists()
    event = Event.objects.get(name="question_asked")  # beside it, submission_registered (hooks)
    question = Submission.objects.get()
    assert (event.subject, event.name) == (discussion, "question_asked")
    assert event.context == {"submission": question.pk, "actor": people["participant"].pk}
    message = OutboxMessage.objects.get(kind=EVENT_KIND, target_id=event.pk)
    assert message.state == OutboxMessage.State.PENDING


def test_the_sweep_tells_of_a_lost_event_once_even_if_run_twice(
    cast, settings, django_capture_on_commit_callbacks
):
    discussion, people = cast
    # Stored with the question, but the task that was to deliver it is lost.
    propose(discussion, people["participant"], QUESTION, Submission.Kind.QUESTION)
    settings.TASKS = IMMEDIATE_TASKS
    later = timezone.now() + datetime.timedelta(seconds=settings.VECHE_OUTBOX_LEASE_SECONDS + 1)
    with django_capture_on_commit_callbacks(execute=True):
        assert outbox.sweep(now=later) >= 1
    assert heard(people) == {"expert"}
    told = Notification.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        assert outbox.sweep(now=later) == 0
    assert Notification.objects.count() == told == 1
    event = Event.objects.get(name="question_asked")
    assert event.notified_at is not None
    message = OutboxMessage.objects.get(kind=EVENT_KIND, target_id=event.pk)
    assert message.state == OutboxMessage.State.SENT


def test_an_event_delivered_again_after_its_worker_lost_the_lease_tells_no_one_twice(cast):
    discussion, people = cast
    propose(discussion, people["participant"])
    told_so_far()
    event = announce(subject=discussion, event="protocol", context={})
    message = OutboxMessage.objects.get(kind=EVENT_KIND, target_id=event.pk)
    assert outbox.deliver(message.pk) == "sent"
    told = Notification.objects.count()
    assert told == 3  # the follower, the participant, the organizer who follows
    # As if the worker had died after making the notices, before recording "sent".
    OutboxMessage.objects.filter(pk=message.pk).update(
        state=OutboxMessage.State.SENDING, lease_until=timezone.now() - datetime.timedelta(1)
    )
    assert outbox.deliver(message.pk) == "already told"
    assert Notification.objects.count() == told


def test_an_action_rolled_back_leaves_no_event_behind(cast):
    discussion, people = cast
    with pytest.raises(RuntimeError), transaction.atomic():
        services.cancel_discussion(
            user=people["organizer"], discussion=discussion, reason="Проект отозван."
        )
        raise RuntimeError("the request failed after the service")
    assert not Event.objects.filter(name="cancelled").exists()
    assert not OutboxMessage.objects.filter(kind=EVENT_KIND).exists()
