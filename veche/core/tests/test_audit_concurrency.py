"""The audit chain under many concurrent writers on PostgreSQL: every event sealed once, in one
unbroken chain, while a sealer runs alongside the writers."""

import threading
import time

import pytest
from django.core.management import call_command
from django.db import OperationalError, connection, connections, transaction

from tests.concurrency import ONLY_POSTGRESQL, at_once
from tests.factories import make_discussion, make_problem, make_resident
from veche.appeals.models import Appeal
from veche.appeals.services import sign_appeal
from veche.core.audit import record_event, seal_pending, verify_chain
from veche.core.models import AuditEvent
from veche.discussions import services as discussions
from veche.discussions.models import Discussion

pytestmark = [pytest.mark.django_db(transaction=True), ONLY_POSTGRESQL]
APPEALS = 30
DISCUSSIONS = 20


@pytest.fixture(autouse=True)
def _quiet(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


def test_fifty_parallel_writers_on_different_appeals_and_discussions_keep_one_chain(capsys):
    appeals = [make_problem().current_appeal for _ in range(APPEALS)]
    signers = [(appeal, make_resident(appeal.problem.territory)) for appeal in appeals]
    talks = [make_discussion(stage="intake") for _ in range(DISCUSSIONS)]
    submitters = [(talk, make_resident(talk.territory)) for talk in talks]
    seal_pending()
    before = AuditEvent.objects.count()
    writers = APPEALS + DISCUSSIONS
    done = threading.Event()

    def sign(appeal, person):
        sign_appeal(user=person, appeal=Appeal.objects.get(pk=appeal.pk))

    def submit(talk, person):
        discussions.submit(
            user=person,
            discussion=Discussion.objects.get(pk=talk.pk),
            kind="proposal",
            text="Сохранить все деревья вдоль улицы.",
        )

    def write(job):
        action, target, person = job
        action(target, person)

    def seal_while_writing():
        try:
            while not done.is_set():
                seal_pending()
        finally:
            connections.close_all()

    jobs = [(sign, a, p) for a, p in signers] + [(submit, t, p) for t, p in submitters]
    sealer = threading.Thread(target=seal_while_writing)
    sealer.start()
    began = time.monotonic()
    try:
        outcomes = at_once(write, jobs, threads=writers, refusals=())
    finally:
        done.set()
        sealer.join()
    elapsed = time.monotonic() - began
    with capsys.disabled():
        print(f"\n{writers} parallel writers took {elapsed:.2f} s")

    assert outcomes == {"done": writers}
    written = AuditEvent.objects.count() - before
    assert written >= writers
    seal_pending()
    check = verify_chain()
    assert check.intact
    assert (check.events, check.pending) == (before + written, 0)
    sequences = list(AuditEvent.objects.order_by("sequence").values_list("sequence", flat=True))
    assert sequences == list(range(1, before + written + 1))
    call_command("verify_audit")
    assert "The audit log is intact" in capsys.readouterr().out


def test_a_writer_does_not_wait_for_another_writers_open_transaction():
    with transaction.atomic():
        record_event(actor=None, action="appeal.signed")
    seal_pending()
    outcome = []

    def write_meanwhile():
        try:
            with transaction.atomic():
                with connection.cursor() as cursor:
                    # Waiting for the other transaction would end in an error, not a hang.
                    cursor.execute("SET LOCAL lock_timeout = '3s'")
                record_event(actor=None, action="discussion.submission_registered")
            outcome.append("written")
        except OperationalError as error:
            outcome.append(str(error))
        finally:
            connections.close_all()

    with transaction.atomic():
        record_event(actor=None, action="appeal.dispatched")
        other = threading.Thread(target=write_meanwhile)
        other.start()
        other.join()  # while this transaction is still open
    assert outcome == ["written"]
    seal_pending()
    check = verify_chain()
    assert check.intact
    assert check.events == 3
