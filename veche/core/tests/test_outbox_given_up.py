"""The outbox tells the app that owns a kind of letter when it gives one up after its last
attempt — once per giving up, never for a failure it will retry or an operator's "give up" — and
sends a letter again on an operator's word, as a new letter if the old one went out. An operator's
retry or "give up" of a kind whose app asks its own permission is that app's to refuse."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.factories import make_user
from veche.core import outbox
from veche.core.models import AuditEvent, OutboxMessage

pytestmark = pytest.mark.django_db

State = OutboxMessage.State
KIND = "tests.given-up-letter"


class Failing:
    def __init__(self):
        self.failing = True
        self.sent: list[str] = []

    def __call__(self, message):
        if self.failing:
            raise ConnectionRefusedError("mail server down")
        self.sent.append(message.message_id)


@pytest.fixture
def sender(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    settings.VECHE_OUTBOX_MAX_ATTEMPTS = 2
    told: list[tuple[int, str, int]] = []
    send = Failing()
    outbox.register(KIND, send, gave_up=lambda m: told.append((m.target_id, m.state, m.attempts)))
    send.told = told
    yield send
    del outbox.SENDERS[KIND]
    outbox.GAVE_UP.pop(KIND, None)
    outbox.OPERATED.pop(KIND, None)


def attempt(message) -> str:
    message.refresh_from_db()
    return outbox.deliver(message.pk, now=message.next_attempt_at)


def test_the_owner_hears_once_when_a_letter_is_given_up(sender):
    message = outbox.put(kind=KIND, target_id=7)
    assert attempt(message) == "failed"
    assert sender.told == []
    assert attempt(message) == "gave up"
    assert attempt(message) == "already handled"
    outbox.sweep()
    assert sender.told == [(7, State.GAVE_UP, 2)]


def test_an_operators_give_up_is_not_told(sender):
    from django.contrib.auth.models import Permission

    operator = make_user(is_staff=True)
    operator.user_permissions.add(Permission.objects.get(codename="change_outboxmessage"))
    message = outbox.put(kind=KIND, target_id=7)
    attempt(message)
    outbox.give_up(actor=type(operator).objects.get(pk=operator.pk), message=message)
    assert sender.told == []


def test_a_kind_registered_again_without_the_hook_is_not_told(sender):
    outbox.register(KIND, sender)
    message = outbox.put(kind=KIND, target_id=7)
    attempt(message)
    assert attempt(message) == "gave up"
    assert sender.told == []


def test_sending_again_starts_afresh_and_a_letter_that_went_out_gets_a_new_id(sender):
    message = outbox.put(kind=KIND, target_id=7)
    attempt(message)
    attempt(message)
    again = outbox.send_again(message)
    assert (again.state, again.attempts, again.message_id) == (
        State.PENDING,
        0,
        message.message_id,
    )
    sender.failing = False
    assert attempt(again) == "sent"
    resent = outbox.send_again(again)
    assert resent.state == State.PENDING and resent.sent_at is None
    assert resent.message_id != message.message_id
    assert attempt(resent) == "sent"
    assert sender.sent == [message.message_id, resent.message_id]


def test_a_letter_being_sent_is_not_sent_again(sender):
    message = outbox.put(kind=KIND, target_id=7)
    OutboxMessage.objects.filter(pk=message.pk).update(state=State.SENDING)
    with pytest.raises(ValidationError):
        outbox.send_again(message)


@pytest.fixture
def outbox_operator():
    from django.contrib.auth.models import Permission

    operator = make_user(is_staff=True)
    operator.user_permissions.add(Permission.objects.get(codename="change_outboxmessage"))
    return type(operator).objects.get(pk=operator.pk)


def test_the_owner_is_asked_of_an_operators_retry_and_give_up(sender, outbox_operator):
    acts = []

    def operated(*, actor, message, act):
        acts.append((actor, message.target_id, message.state, act))

    outbox.register(KIND, sender, operated=operated)
    message = outbox.put(kind=KIND, target_id=7)
    attempt(message)
    outbox.retry_now(actor=outbox_operator, message=message)
    outbox.give_up(actor=outbox_operator, message=message)
    assert acts == [
        (outbox_operator, 7, State.FAILED, "retried"),
        (outbox_operator, 7, State.FAILED, "given_up"),
    ]


def test_the_owner_refuses_an_operator_it_does_not_trust(sender, outbox_operator):
    def operated(*, actor, message, act):
        raise PermissionDenied("Only operators of the owner may do it.")

    outbox.register(KIND, sender, operated=operated)
    message = outbox.put(kind=KIND, target_id=7)
    attempt(message)
    for act in (outbox.retry_now, outbox.give_up):
        with pytest.raises(PermissionDenied):
            act(actor=outbox_operator, message=message)
    message.refresh_from_db()
    assert (message.state, message.attempts) == (State.FAILED, 1)
    assert not AuditEvent.objects.filter(action__startswith="outbox.").exists()
    outbox.register(KIND, sender)  # registered again without it: the outbox's permission will do
    outbox.give_up(actor=outbox_operator, message=message)
    message.refresh_from_db()
    assert message.state == State.GAVE_UP
