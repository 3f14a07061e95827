"""The outbox: a letter is claimed once with a lease, retried with back-off, reclaimed when its
worker died, sent with one Message-ID on every attempt, and handled by operators in the admin."""

import datetime
import threading

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import timezone

from tests.factories import make_user
from tests.sign_in import enter, with_second_factor
from veche.core import outbox
from veche.core.models import AuditEvent, OutboxMessage

pytestmark = pytest.mark.django_db

State = OutboxMessage.State
KIND = "tests.letter"


class Mailman:
    """The sender of the test kind: records each letter, or fails while told to."""

    def __init__(self):
        self.sent: list[tuple[int, str]] = []
        self.failing: Exception | None = None
        self.unwanted = False

    def __call__(self, message: OutboxMessage) -> None:
        if self.unwanted:
            raise outbox.NothingToSend("not wanted")
        if self.failing:
            raise self.failing
        self.sent.append((message.target_id, message.message_id))


@pytest.fixture
def mailman(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    settings.SITE_URL = "https://veche.example"
    sender = Mailman()
    outbox.register(KIND, sender)
    yield sender
    del outbox.SENDERS[KIND]


def stored(target_id: int = 1) -> OutboxMessage:
    return outbox.put(kind=KIND, target_id=target_id)


def test_a_letter_is_stored_once_per_target_with_a_message_id_of_the_site(mailman):
    first = stored(7)
    assert stored(7).pk == first.pk
    assert OutboxMessage.objects.count() == 1
    assert first.state == State.PENDING
    assert first.message_id.startswith("<") and first.message_id.endswith("@veche.example>")


def test_an_unknown_kind_is_refused_when_stored(mailman):
    with pytest.raises(LookupError):
        outbox.put(kind="tests.nobody-sends-this", target_id=1)


def test_a_letter_is_sent_once(mailman):
    message = stored()
    assert outbox.deliver(message.pk) == "sent"
    assert outbox.deliver(message.pk) == "already handled"
    assert mailman.sent == [(1, message.message_id)]
    message.refresh_from_db()
    assert (message.state, message.attempts, message.lease_until) == (State.SENT, 1, None)
    assert message.sent_at is not None


def test_a_letter_held_by_a_live_lease_is_not_taken_by_another_worker(mailman):
    message = stored()
    now = timezone.now()
    OutboxMessage.objects.filter(pk=message.pk).update(
        state=State.SENDING, lease_until=now + datetime.timedelta(minutes=1), attempts=1
    )
    assert outbox.deliver(message.pk, now=now) == "not due"
    assert mailman.sent == []


def test_a_lease_that_ran_out_is_taken_again_and_the_letter_keeps_its_message_id(mailman):
    message = stored()
    now = timezone.now()
    OutboxMessage.objects.filter(pk=message.pk).update(
        state=State.SENDING, lease_until=now - datetime.timedelta(seconds=1), attempts=1
    )
    assert outbox.deliver(message.pk, now=now) == "sent"
    assert mailman.sent == [(1, message.message_id)]
    message.refresh_from_db()
    assert (message.state, message.attempts) == (State.SENT, 2)


def test_a_worker_whose_lease_was_taken_does_not_record_its_outcome(mailman):
    message = stored()
    taken_over = {}

    def slow_sender(letter):
        # While this worker sends, its lease runs out and another worker takes the letter.
        OutboxMessage.objects.filter(pk=letter.pk).update(attempts=letter.attempts + 1)
        taken_over["yes"] = True
        raise ConnectionResetError("too late")

    outbox.register(KIND, slow_sender)
    assert outbox.deliver(message.pk) == "failed"
    message.refresh_from_db()
    assert taken_over and message.state == State.SENDING and message.last_error == ""


def test_a_failure_waits_longer_each_time_and_is_given_up_after_the_last_attempt(mailman, settings):
    settings.VECHE_OUTBOX_MAX_ATTEMPTS = 3
    mailman.failing = ConnectionRefusedError("mail server down")
    message = stored()
    now = timezone.now()
    pauses = []
    for result in ["failed", "failed", "gave up"]:
        assert outbox.deliver(message.pk, now=now) == result
        message.refresh_from_db()
        pauses.append(message.next_attempt_at - now)
        assert outbox.deliver(message.pk, now=now) in ("not due", "already handled")
        now = message.next_attempt_at
    assert pauses[0] < pauses[1]
    assert (message.state, message.attempts) == (State.GAVE_UP, 3)
    assert message.last_error == "ConnectionRefusedError: mail server down"
    mailman.failing = None
    assert outbox.deliver(message.pk, now=now + datetime.timedelta(days=30)) == "already handled"
    assert mailman.sent == []


def test_a_letter_no_longer_wanted_is_closed_not_retried(mailman):
    mailman.unwanted = True
    message = stored()
    assert outbox.deliver(message.pk) == "not wanted"
    message.refresh_from_db()
    assert (message.state, message.last_error) == (State.CANCELLED, "not wanted")
    assert outbox.deliver(message.pk) == "already handled"


def test_the_sweeper_sends_what_a_dead_worker_held_and_what_is_due(mailman, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    now = timezone.now()
    dead, due, held, later = (stored(n) for n in range(1, 5))
    OutboxMessage.objects.filter(pk=dead.pk).update(
        state=State.SENDING, lease_until=now - datetime.timedelta(seconds=1), attempts=1
    )
    OutboxMessage.objects.filter(pk=due.pk).update(
        state=State.FAILED, next_attempt_at=now - datetime.timedelta(seconds=1), attempts=1
    )
    OutboxMessage.objects.filter(pk=held.pk).update(
        state=State.SENDING, lease_until=now + datetime.timedelta(minutes=1), attempts=1
    )
    OutboxMessage.objects.filter(pk=later.pk).update(
        state=State.FAILED, next_attempt_at=now + datetime.timedelta(minutes=1), attempts=1
    )
    assert outbox.sweep(now) == 2
    assert sorted(target for target, _id in mailman.sent) == [1, 2]
    states = dict(OutboxMessage.objects.values_list("target_id", "state"))
    assert states == {1: State.SENT, 2: State.SENT, 3: State.SENDING, 4: State.FAILED}


def test_the_sweeper_sends_a_letter_whose_task_was_lost(mailman, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    message = stored()  # the Dummy backend keeps its task: as good as lost
    assert outbox.sweep(timezone.now()) == 0  # fresh: its own task may still come
    later = timezone.now() + outbox.lease() + datetime.timedelta(seconds=1)
    assert outbox.sweep(later) == 1
    assert mailman.sent == [(1, message.message_id)]


# --- Operators --------------------------------------------------------------------------------


@pytest.fixture
def operator():
    user = make_user(is_staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="core",
            codename__in=["view_outboxmessage", "change_outboxmessage"],
        )
    )
    return with_second_factor(user)


def failed(mailman) -> OutboxMessage:
    mailman.failing = ConnectionRefusedError("mail server down")
    message = stored()
    outbox.deliver(message.pk)
    mailman.failing = None
    message.refresh_from_db()
    return message


def test_retry_now_sends_a_failed_letter_at_once_and_is_recorded(
    mailman, operator, settings, django_capture_on_commit_callbacks
):
    message = failed(mailman)
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    with django_capture_on_commit_callbacks(execute=True):
        outbox.retry_now(actor=operator, message=message)
    message.refresh_from_db()
    assert (message.state, message.attempts) == (State.SENT, 2)
    event = AuditEvent.objects.get(action="outbox.retried")
    assert (event.actor, event.object_id) == (operator, str(message.pk))


def test_give_up_stops_a_letter_and_is_recorded(mailman, operator):
    message = failed(mailman)
    outbox.give_up(actor=operator, message=message)
    message.refresh_from_db()
    assert message.state == State.GAVE_UP
    assert AuditEvent.objects.get(action="outbox.given_up").actor == operator
    assert outbox.deliver(message.pk, now=message.next_attempt_at) == "already handled"
    with pytest.raises(ValidationError):
        outbox.give_up(actor=operator, message=message)


def test_only_an_operator_may_retry_or_give_up(mailman):
    message = failed(mailman)
    for act in (outbox.retry_now, outbox.give_up):
        with pytest.raises(PermissionDenied):
            act(actor=make_user(is_staff=True), message=message)
    assert not AuditEvent.objects.filter(action__startswith="outbox.").exists()


def test_operators_see_failed_letters_with_their_error_and_act_on_them(client, mailman, operator):
    message = failed(mailman)
    enter(client, operator)
    page = client.get("/admin/core/outboxmessage/", {"state__exact": "failed"})
    assert page.status_code == 200
    assert "ConnectionRefusedError: mail server down" in page.text
    response = client.post(
        "/admin/core/outboxmessage/",
        {"action": "give_up", "_selected_action": [message.pk]},
    )
    assert response.status_code == 302
    message.refresh_from_db()
    assert message.state == State.GAVE_UP
    assert AuditEvent.objects.get(action="outbox.given_up").actor == operator


def test_the_page_of_one_message_never_saves_it(client, mailman, operator, monkeypatch):
    """Saving the page would write back the letter as read when the request began: a letter
    a worker sent meanwhile would wait again, with no attempts, and go out twice."""
    from veche.core.admin import OutboxMessageAdmin

    message = failed(mailman)
    opened = OutboxMessageAdmin.get_object

    def sent_meanwhile(self, request, object_id, from_field=None):
        read = opened(self, request, object_id, from_field)
        OutboxMessage.objects.filter(pk=message.pk).update(
            state=State.SENT, attempts=2, sent_at=timezone.now()
        )
        return read

    monkeypatch.setattr(OutboxMessageAdmin, "get_object", sent_meanwhile)
    enter(client, operator)
    url = f"/admin/core/outboxmessage/{message.pk}/change/"
    page = client.get(url)
    assert page.status_code == 200
    assert 'name="_save"' not in page.text  # a view, with nothing to save
    assert client.post(url, {"_save": "Save"}).status_code == 403
    message.refresh_from_db()
    assert (message.state, message.attempts) == (State.SENT, 2)


def test_the_sweep_command_queues_what_a_dead_worker_held(mailman, settings):
    from io import StringIO

    from django.core.management import call_command

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    message = stored()
    OutboxMessage.objects.filter(pk=message.pk).update(
        state=State.SENDING, lease_until=timezone.now() - datetime.timedelta(seconds=1), attempts=1
    )
    output = StringIO()
    call_command("outbox_sweep", stdout=output)
    assert output.getvalue().strip() == "queued 1"
    message.refresh_from_db()
    assert message.state == State.SENT


@pytest.mark.django_db(transaction=True)
def test_workers_racing_for_one_letter_send_it_once(mailman):
    message = stored()
    start = threading.Barrier(4)
    results = []

    def worker():
        start.wait()
        try:
            results.append(outbox.deliver(message.pk))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results.count("sent") == 1
    assert mailman.sent == [(1, message.message_id)]
