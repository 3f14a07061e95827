"""A receiver cannot hold a worker: the whole delivery, from connecting to the answer's status
and headers, ends within VECHE_WEBHOOK_TIMEOUT_SECONDS (a read timeout alone bounds each read,
and a receiver that sends a byte now and then never trips it), and the answer's body is never
read. The receivers are raw sockets on this machine, misbehaving on purpose."""

import contextlib
import socket
import threading
import time

import pytest

from tests.factories import make_appeal, make_staff
from veche.api import webhooks
from veche.api.models import WebhookDelivery
from veche.appeals.services import register_appeal
from veche.core import outbox
from veche.core.models import OutboxMessage
from veche.organizations.models import Membership

pytestmark = pytest.mark.django_db
LIMIT = 2  # seconds, for the whole delivery
HELD = 12  # how long a misbehaving receiver would keep the connection going


class RawReceiver:
    """Accepts one request and answers it with `answer(connection)`; counts what it sent."""

    def __init__(self, answer):
        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", 0))
        self.socket.listen(1)
        self.sent = 0
        self.thread = threading.Thread(target=self._serve, args=(answer,), daemon=True)
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.socket.getsockname()[1]}/hooks"

    def _serve(self, answer):
        connection, _ = self.socket.accept()
        with connection:
            connection.recv(65536)
            with contextlib.suppress(OSError):  # the worker hung up: what it should do
                answer(self, connection)

    def send(self, connection, data: bytes):
        connection.sendall(data)
        self.sent += len(data)

    def close(self):
        self.thread.join(timeout=HELD + 5)
        self.socket.close()


def headers_a_byte_at_a_time(receiver, connection):
    """A status line, then one header's bytes slowly, each well within any read timeout."""
    receiver.send(connection, b"HTTP/1.1 200 OK\r\n")
    started = time.monotonic()
    while time.monotonic() - started < HELD:
        receiver.send(connection, b"X")
        time.sleep(0.25)


def a_body_without_end(receiver, connection):
    """A success whose body is 10 GB, sent as fast as the worker takes it."""
    receiver.send(connection, b"HTTP/1.1 200 OK\r\nContent-Length: 10737418240\r\n\r\n")
    chunk = b"x" * 1048576
    started = time.monotonic()
    while time.monotonic() - started < HELD:
        receiver.send(connection, chunk)


@pytest.fixture
def misbehaving(settings, office, head):
    """Registers an endpoint of the office at a receiver that answers with `answer`, makes
    one delivery for it, and hands back (receiver, outbox message)."""
    settings.VECHE_WEBHOOK_ALLOW_NETWORKS = ["127.0.0.1"]  # stands for any public host
    settings.VECHE_WEBHOOK_TIMEOUT_SECONDS = LIMIT
    receivers = []

    def make(answer):
        receiver = RawReceiver(answer)
        receivers.append(receiver)
        webhooks.subscribe(
            user=head, organization=office, url=receiver.url, events=["appeal.registered"]
        )
        appeal = make_appeal(organization=office, status="sent")
        register_appeal(
            official=make_staff(office, Membership.Role.OFFICIAL),
            appeal=appeal,
            registration_number="01-15/77",
        )
        return receiver, OutboxMessage.objects.get(kind=webhooks.KIND)

    yield make
    for receiver in receivers:
        receiver.close()


def timed(message) -> tuple[str, float]:
    started = time.monotonic()
    outcome = outbox.deliver(message.pk)
    return outcome, time.monotonic() - started


def test_an_answer_that_trickles_in_is_cut_at_the_time_limit(misbehaving):
    _receiver, message = misbehaving(headers_a_byte_at_a_time)
    outcome, took = timed(message)
    assert outcome == "failed"  # tried again later, with the outbox's back-off
    # Cut at the limit, long before the receiver would have stopped (HELD): a bound with room
    # for a loaded machine, not a timing.
    assert LIMIT <= took < HELD
    delivery = WebhookDelivery.objects.get()
    assert delivery.status_code is None
    assert delivery.last_error == "AnswerTooSlow: Нет ответа за 2 секунды."  # the site's language
    assert delivery.delivered_at is None


def test_the_body_of_an_answer_is_never_read(misbehaving, settings):
    # A limit a loaded machine keeps to with room (the headers come at once); a worker that
    # read the body would be cut by it instead, and fail the delivery.
    settings.VECHE_WEBHOOK_TIMEOUT_SECONDS = HELD - 2
    receiver, message = misbehaving(a_body_without_end)
    outcome, _took = timed(message)
    assert outcome == "sent"  # the status says it: the body is nobody's business
    receiver.close()
    # What the receiver got out before the worker hung up is what the sockets' buffers hold,
    # not the gigabytes it meant to send.
    assert receiver.sent < 64 * 1048576
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status_code, delivery.last_error) == (200, "")


def test_a_delivery_never_takes_as_long_as_the_outbox_lease(settings):
    settings.VECHE_OUTBOX_LEASE_SECONDS = 60
    settings.VECHE_WEBHOOK_TIMEOUT_SECONDS = 300
    assert webhooks.time_limit() == 30  # no second worker takes it while it is being sent
    settings.VECHE_WEBHOOK_TIMEOUT_SECONDS = 10
    assert webhooks.time_limit() == 10


def test_a_slow_name_server_is_inside_the_time_limit(misbehaving, monkeypatch):
    """The endpoint's name is looked up again at each delivery; a name server that answers
    slowly (the endpoint's owner may run it) would hold the worker for the resolver's own
    timeouts. The name server lies outside the machine: it is stood in for here, answering
    after HELD seconds."""
    receiver, message = misbehaving(lambda receiver, connection: None)
    real = socket.getaddrinfo

    def slow_name_server(host, *args, **kwargs):
        if host == "127.0.0.1":  # the endpoint's host: stands for a name
            time.sleep(HELD)
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", slow_name_server)
    outcome, took = timed(message)
    assert outcome == "failed"  # tried again later: a slow lookup may be quick next time
    assert LIMIT <= took < HELD  # a bound with room for a loaded machine, not a timing
    delivery = WebhookDelivery.objects.get()
    assert delivery.last_error.startswith("LookupTooSlow:")
    assert delivery.delivered_at is None
    with socket.socket() as knock:  # let the receiver go home (no lookup: an address)
        knock.connect(receiver.socket.getsockname())
