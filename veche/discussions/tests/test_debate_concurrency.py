"""Marks under real concurrency on PostgreSQL: the counts shown equal the marks stored, and one
person pressing different marks from many tabs at once keeps one mark."""

import pytest

from tests.concurrency import ONLY_POSTGRESQL, at_once
from tests.factories import make_discussion, make_resident
from veche.discussions import queries_debate, services
from veche.discussions.models import Mark, Submission

pytestmark = [pytest.mark.django_db(transaction=True), ONLY_POSTGRESQL]
THREADS = 12


@pytest.fixture(autouse=True)
def _quiet(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


@pytest.fixture
def submission():
    discussion = make_discussion(stage="intake")
    return services.submit(
        user=make_resident(discussion.territory),
        discussion=discussion,
        kind="proposal",
        text="Сохранить все деревья вдоль улицы.",
    )


def shown(submission) -> Submission:
    return queries_debate.with_counts(Submission.objects.filter(pk=submission.pk)).get()


def test_thirty_people_marking_at_once_are_all_counted(submission):
    people = [make_resident(submission.discussion.territory) for _ in range(30)]
    kinds = {
        person.pk: "support" if number % 3 else "object" for number, person in enumerate(people)
    }

    def mark(person):
        services.mark_submission(
            user=person,
            submission=Submission.objects.get(pk=submission.pk),
            kind=kinds[person.pk],
        )

    assert at_once(mark, people, threads=THREADS) == {"done": 30}
    counted = shown(submission)
    assert counted.support_count == Mark.objects.filter(kind="support").count() == 20
    assert counted.object_count == Mark.objects.filter(kind="object").count() == 10


def test_one_person_changing_their_mark_from_many_tabs_keeps_one_mark(submission):
    person = make_resident(submission.discussion.territory)
    presses = ["support", "object"] * 12

    def mark(kind):
        services.mark_submission(
            user=person, submission=Submission.objects.get(pk=submission.pk), kind=kind
        )

    assert at_once(mark, presses, threads=THREADS) == {"done": 24}
    assert Mark.objects.filter(person=person).count() == 1
    counted = shown(submission)
    assert counted.support_count + counted.object_count == 1


def test_replies_sent_at_once_number_their_new_participants_apart(submission):
    people = [make_resident(submission.discussion.territory) for _ in range(12)]

    def reply(person):
        services.reply_to_submission(
            author=person,
            submission=Submission.objects.get(pk=submission.pk),
            text="Согласен с этим предложением.",
        )

    assert at_once(reply, people, threads=THREADS) == {"done": 12}
    numbers = sorted(submission.replies.values_list("participant_number", flat=True))
    assert numbers == list(range(2, 14))
