"""Submissions, signing and publishing under real concurrency on PostgreSQL: every submission
gets its own number with none skipped, the protocol is signed once, the conclusion published
once."""

import contextlib
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from tests.factories import make_discussion, make_resident
from veche.discussions import services
from veche.discussions.models import Discussion, Submission
from veche.discussions.records.kinds import CONCLUSION, PROTOCOL
from veche.documents.models import IssuedDocument

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="row locks under real concurrency need PostgreSQL; "
        "SQLite serialises every write anyway",
    ),
]
THREADS = 12


@pytest.fixture(autouse=True)
def _quiet(settings, tmp_path):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    settings.MEDIA_ROOT = tmp_path / "media"


def at_once(action, arguments) -> dict[str, int]:
    """Run `action` for each argument from THREADS threads released together; count the
    outcomes by name ("done", or the refusal's class)."""
    start = threading.Barrier(THREADS)
    outcomes: dict[str, int] = {}
    lock = threading.Lock()

    def run(argument):
        try:
            with contextlib.suppress(threading.BrokenBarrierError):
                start.wait(timeout=5)
            action(argument)
            result = "done"
        except ValidationError:
            result = "refused"
        finally:
            connections.close_all()
        with lock:
            outcomes[result] = outcomes.get(result, 0) + 1

    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        list(pool.map(run, arguments))
    return outcomes


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

    assert at_once(submit, people) == {"done": 40}
    numbers = sorted(discussion.submissions.values_list("number", flat=True))
    assert numbers == list(range(1, 41))
    assert Submission.objects.values("registration_number").distinct().count() == 40


def test_the_protocol_pressed_at_once_from_many_tabs_is_signed_once():
    discussion = make_discussion(stage="review")
    organizer = discussion.created_by

    def sign(_):
        services.sign_protocol(user=organizer, discussion=Discussion.objects.get(pk=discussion.pk))

    assert at_once(sign, range(THREADS)) == {"done": 1, "refused": THREADS - 1}
    assert IssuedDocument.objects.filter(kind=PROTOCOL).count() == 1


def test_the_conclusion_pressed_at_once_from_many_tabs_is_published_once():
    discussion = make_discussion(stage="review")
    organizer = discussion.created_by
    services.sign_protocol(user=organizer, discussion=discussion)

    def publish(number):
        services.publish_conclusion(
            user=organizer,
            discussion=Discussion.objects.get(pk=discussion.pk),
            text=f"Проект рекомендован к утверждению (вкладка {number}).",
        )

    assert at_once(publish, range(THREADS)) == {"done": 1, "refused": THREADS - 1}
    (document,) = IssuedDocument.objects.filter(kind=CONCLUSION)
    discussion.refresh_from_db()
    assert discussion.conclusion_code == document.code
