"""A worker killed with SIGKILL in the middle of sending an appeal: the real `veche db_worker`
against a real SMTP server. The appeal still reaches its addressee once the worker is back, as
the same letter (one Message-ID), and the outbox holds one SENT message for it."""

import asyncio
import email
import email.policy
import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from aiosmtpd.controller import Controller
from django.db import connection

from tests.factories import make_problem, make_resident, make_territory
from veche.appeals.models import DISPATCH_KIND, Dispatch
from veche.appeals.services import sign_appeal
from veche.core.models import OutboxMessage

# The worker is another process: it must see what this test commits, in a database it can open.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.subprocess_database]

VECHE = str(Path(sys.executable).with_name("veche"))
LEASE_SECONDS = 2
# A bound for a slow machine, not a timing: each wait ends as soon as its condition holds.
WAIT_SECONDS = 30


class StallingMailbox:
    """An aiosmtpd handler that holds the first letter to `stall_for` unanswered after its DATA,
    as a slow server would, until the test lets go; it accepts every other letter."""

    def __init__(self):
        self.port = free_port()
        self.stall_for = ""
        self.stalled: list[email.message.EmailMessage] = []
        self.accepted: list[email.message.EmailMessage] = []
        self.recipients: list[list[str]] = []
        self.release = threading.Event()
        self._lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self._lock:
            first = not self.stalled and envelope.rcpt_tos == [self.stall_for]
            if first:
                self.stalled.append(message)
        if first:
            # Wait in a thread so that the server's loop still serves the next connection.
            await asyncio.get_running_loop().run_in_executor(
                None, self.release.wait, WAIT_SECONDS * 2
            )
            return "451 Try again later"
        with self._lock:
            self.accepted.append(message)
            self.recipients.append(list(envelope.rcpt_tos))
        return "250 Message accepted for delivery"


def wait_until(condition, what: str):
    """Bounded polling for something another process does."""
    deadline = time.monotonic() + WAIT_SECONDS
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"waited {WAIT_SECONDS} s for {what}")
        time.sleep(0.1)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def database_url() -> str:
    """The test database, as the worker in a subprocess must reach it."""
    db = connection.settings_dict
    if db["ENGINE"] == "django.db.backends.sqlite3":
        assert Path(db["NAME"]).is_file(), "the SQLite test database must be a file (conftest.py)"
        return f"sqlite:///{db['NAME']}"
    credentials = quote(db["USER"] or "") + (f":{quote(db['PASSWORD'])}" if db["PASSWORD"] else "")
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def mailbox():
    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs every SMTP line
    handler = StallingMailbox()
    controller = Controller(handler, hostname="127.0.0.1", port=handler.port)
    controller.start()
    yield handler
    handler.release.set()
    controller.stop()


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
    [received] = [
        message
        for message, recipients in zip(mailbox.accepted, mailbox.recipients, strict=True)
        if recipients == [dispatch.recipient]
    ]
    [attachment] = list(received.iter_attachments())
    assert attachment.get_filename() == f"appeal-{appeal.pk}.pdf"
    assert attachment.get_content().startswith(b"%PDF")
    # The letter the dead worker began and the one that arrived are the same letter.
    assert received["Message-ID"] == mailbox.stalled[0]["Message-ID"] == letter.message_id
