"""What tests that talk to real servers and processes share: a free port, the test database's
address for another process, an SMTP server that keeps what it receives, bounded waiting."""

import email
import email.policy
import logging
import socket
import threading
import time
from contextlib import contextmanager
from email.message import EmailMessage
from pathlib import Path
from urllib.parse import quote

from aiosmtpd.controller import Controller
from django.db import connection


def free_port() -> int:
    """A loopback port nothing listens on (until something is started on it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def database_url() -> str:
    """The test database, as a process started by the test (a worker, gunicorn) must reach it."""
    db = connection.settings_dict
    if db["ENGINE"] == "django.db.backends.sqlite3":
        assert Path(db["NAME"]).is_file(), "the SQLite test database must be a file (conftest.py)"
        return f"sqlite:///{db['NAME']}"
    credentials = quote(db["USER"] or "") + (f":{quote(db['PASSWORD'])}" if db["PASSWORD"] else "")
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def wait_until(condition, what: str, *, seconds: float = 30) -> None:
    """Bounded polling for something another thread or process does; `seconds` is a bound for a
    slow machine, not a timing: the wait ends as soon as the condition holds."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"waited {seconds} s for {what}")
        time.sleep(0.05)


class MailStore:
    """An aiosmtpd handler that keeps every message it receives, parsed, with its recipients."""

    def __init__(self):
        self.messages: list[EmailMessage] = []
        self.recipients: list[list[str]] = []
        self._lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self._lock:
            self.messages.append(message)
            self.recipients.append(list(envelope.rcpt_tos))
        return "250 Message accepted for delivery"

    def sent_to(self, address: str) -> list[EmailMessage]:
        with self._lock:
            return [
                message
                for message, recipients in zip(self.messages, self.recipients, strict=True)
                if address in recipients
            ]

    def wait_for(self, count: int = 1, timeout: float = 10.0) -> list[EmailMessage]:
        """The messages received, once there are at least `count`."""
        wait_until(lambda: len(self.messages) >= count, f"{count} e-mail(s)", seconds=timeout)
        with self._lock:
            return list(self.messages)


@contextmanager
def mail_server(handler=None):
    """A real SMTP server on localhost while the block runs; yields its controller, whose
    `hostname`, `port` and `handler` (a MailStore unless another is given) tests read."""
    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs every SMTP line
    controller = Controller(handler or MailStore(), hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield controller
    finally:
        controller.stop()
