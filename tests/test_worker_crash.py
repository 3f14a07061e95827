"""A worker killed with SIGKILL in the middle of sending an appeal: the real `veche db_worker`
against a real SMTP server. The appeal still reaches its addressee once the worker is back, as
the same letter (one Message-ID), and the outbox holds one SENT message for it."""

import asyncio
import email
import email.policy
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from tests.factories import make_problem, make_resident, make_territory
from tests.servers import MailStore, database_url, mail_server, wait_until
from veche.appeals.models import DISPATCH_KIND, Dispatch
from veche.appeals.services import sign_appeal
from veche.core.models import OutboxMessage

# The worker is another process: it must see what this test commits, in a database it can open.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.subprocess_database]

VECHE = str(Path(sys.executable).with_name("veche"))
LEASE_SECONDS = 2
# The longest the server holds the first letter (the test lets it go as soon as it may).
WAIT_SECONDS = 60


class StallingMailbox(MailStore):
    """A mail server's store that holds the first letter to `stall_for` unanswered after its
    DATA, as a slow server would, until the test lets go; it accepts every other letter."""

    def __init__(self):
        super().__init__()
        self.port = 0  # known once its server has started
        self.stall_for = ""
        self.stalled: list[email.message.EmailMessage] = []
        self.release = threading.Event()
        self._stalling = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self._stalling:
            first = not self.stalled and envelope.rcpt_tos == [self.stall_for]
            if first:
                message = email.message_from_bytes(envelope.content, policy=email.policy.default)
                self.stalled.append(message)
        if not first:
            return await super().handle_DATA(server, session, envelope)
        # Wait in a thread so that the server's loop still serves the next connection.
        await asyncio.get_running_loop().run_in_executor(None, self.release.wait, WAIT_SECONDS)
        return "451 Try again later"


@pytest.fixture
def mailbox():
    handler = StallingMailbox()
    with mail_server(handler) as controller:
        handler.port = controller.port
        yield handler
        handler.release.set()  # before the server stops, or it waits for the stalled letter


@pytest.fixture
def start_worker(mailbox, tmp_path):
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "EMAIL_URL": f"smtp://127.0.0.1:{mailbox.port}?timeout=60",
        "VECHE_OUTBOX_LEASE_SECONDS": str(LEASE_SECONDS),
        "TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    workers: list[subprocess.Popen] = []

    def start() -> subprocess.Popen:
        log = (tmp_path / f"worker-{len(workers) + 1}.log").open("wb")
        worker = subprocess.Popen(  # noqa: S603 (fixed command)
            [VECHE, "db_worker", "--interval", "0.2", "--no-reload", "--no-startup-delay"],
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        workers.append(worker)
        return worker

    yield start
    for worker in workers:
        if worker.poll() is None:
            worker.kill()
        worker.wait(timeout=10)


@pytest.fixture(autouse=True)
def _tasks_are_stored_rows(settings):
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }


def test_a_worker_killed_while_sending_an_appeal_sends_it_once_restarted(mailbox, start_worker):
    district = make_territory("kazan-vakhitovsky", en="Vakhitovsky District")
    appeal = make_problem(territory=district, threshold=2).current_appeal
    sign_appeal(user=make_resident(district), appeal=appeal)  # the threshold: dispatched
    dispatch = Dispatch.objects.get(appeal=appeal)
    letter = OutboxMessage.objects.get(kind=DISPATCH_KIND, target_id=dispatch.pk)
    assert letter.state == OutboxMessage.State.PENDING
    mailbox.stall_for = dispatch.recipient

    def state() -> str:
        return OutboxMessage.objects.values_list("state", flat=True).get(pk=letter.pk)

    first = start_worker()
    wait_until(lambda: mailbox.stalled, "the worker to start sending the appeal")
    assert state() == OutboxMessage.State.SENDING
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=10)
    assert state() == OutboxMessage.State.SENDING  # nobody is left to finish it

    start_worker()
    wait_until(lambda: state() == OutboxMessage.State.SENT, "the restarted worker to send it")

    letter.refresh_from_db()
    assert letter.attempts == 2
    dispatched = OutboxMessage.objects.filter(kind=DISPATCH_KIND)
    assert list(dispatched.values_list("state", flat=True)) == [OutboxMessage.State.SENT]
    assert dispatch.status == Dispatch.Status.SENT
    [received] = mailbox.sent_to(dispatch.recipient)
    [attachment] = list(received.iter_attachments())
    assert attachment.get_filename() == f"appeal-{appeal.pk}.pdf"
    assert attachment.get_content().startswith(b"%PDF")
    # The letter the dead worker began and the one that arrived are the same letter.
    assert received["Message-ID"] == mailbox.stalled[0]["Message-ID"] == letter.message_id
