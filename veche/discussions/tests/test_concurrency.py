"""Submissions, signing and publishing under real concurrency on PostgreSQL: every submission
gets its own number with none skipped, the protocol is signed once, the conclusion published
once."""

import pytest

from tests.concurrency import ONLY_POSTGRESQL, at_once
from tests.factories import make_discussion, make_resident
from veche.discussions import services
from veche.discussions.models import Discussion, RecordBuild, Submission
from veche.discussions.records.kinds import CONCLUSION, PROTOCOL
from veche.discussions.tests.building import run_builds
from veche.documents.models import IssuedDocument

pytestmark = [pytest.mark.django_db(transaction=True), ONLY_POSTGRESQL]
THREADS = 12


@pytest.fixture(autouse=True)
def _quiet(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


def test_forty_parallel_submissions_get_forty_numbers_in_a_row():
    discussion = make_discussion(stage="intake")
    people = [make_resident(discussion.territory) for _ in range(40)]

    def submit(person):
        services.submit(
            user=person,
            discussion=Discussion.objects.get(pk=discussion.pk),
            kind="proposal",
            text="Сохранить все деревья вдоль улицы.",
        )

    assert at_once(submit, people, threads=THREADS) == {"done": 40}
    numbers = sorted(discussion.submissions.values_list("number", flat=True))
    assert numbers == list(range(1, 41))
    assert Submission.objects.values("registration_number").distinct().count() == 40


def test_the_protocol_pressed_at_once_from_many_tabs_is_signed_once():
    discussion = make_discussion(stage="review")
    organizer = discussion.created_by

    def sign(_):
        services.sign_protocol(user=organizer, discussion=Discussion.objects.get(pk=discussion.pk))

    assert at_once(sign, range(THREADS), threads=THREADS) == {"done": 1, "refused": THREADS - 1}
    assert RecordBuild.objects.filter(kind=RecordBuild.Kind.PROTOCOL).count() == 1
    assert run_builds() == ["built"]
    assert IssuedDocument.objects.filter(kind=PROTOCOL).count() == 1


def test_the_conclusion_pressed_at_once_from_many_tabs_is_published_once():
    discussion = make_discussion(stage="review")
    organizer = discussion.created_by
    services.sign_protocol(user=organizer, discussion=discussion)
    run_builds()

    def publish(number):
        services.publish_conclusion(
            user=organizer,
            discussion=Discussion.objects.get(pk=discussion.pk),
            text=f"Проект рекомендован к утверждению (вкладка {number}).",
        )

    assert at_once(publish, range(THREADS), threads=THREADS) == {"done": 1, "refused": THREADS - 1}
    assert run_builds() == ["built"]
    (document,) = IssuedDocument.objects.filter(kind=CONCLUSION)
    discussion.refresh_from_db()
    assert discussion.conclusion_code == document.code
