"""The outbox: the one way Veche sends a letter later (an appeal to its addressee, a receipt, a
notice), so that a crash never loses one and a retry never makes it a different letter.

A letter is a stored `OutboxMessage`, written in the transaction of the change that calls for it
and queued only after that transaction commits. A worker claims it with one conditional UPDATE that
also sets a lease; the letter goes out with the Message-ID made when it was stored. A failure sets
a time for the next attempt (back-off), and after `VECHE_OUTBOX_MAX_ATTEMPTS` the message is given
up. A worker that dies while sending leaves the message "sending" with a lease that runs out; the
sweeper (a task scheduled with each claim, and `veche outbox_sweep` from cron) queues it again.

The app that owns a kind of letter registers a sender for it in its `AppConfig.ready()`:
`outbox.register("appeals.dispatch", send_dispatch)`; core never imports product apps. The same
way carries other work that must happen once after a change, like making the notices of an event
(`notifications.event`): its "sender" stores rows instead of sending a letter. A kind whose
failure someone must hear of registers `gave_up` too: it is called once for each time a letter of
that kind is given up after its last attempt, in the transaction that records it. A kind whose
letter is an act on a row of its own (an appeal's dispatch) registers `operated`: an operator's
"Retry now" or "Give up" in the outbox is then an act on that row as well, asked of the app's
own permission and kept in that row's history.
"""

import datetime
import logging
import uuid
from collections.abc import Callable, Iterable
from urllib.parse import urlsplit

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Min, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from veche.core.audit import record_event
from veche.core.models import OutboxMessage

logger = logging.getLogger(__name__)

State = OutboxMessage.State
FINISHED = (State.SENT, State.GAVE_UP, State.CANCELLED)
SWEEP_BATCH = 500

SENDERS: dict[str, Callable[[OutboxMessage], None]] = {}
GAVE_UP: dict[str, Callable[[OutboxMessage], None]] = {}
OPERATED: dict[str, Callable[..., None]] = {}


class NothingToSend(Exception):
    """A sender raises it when the letter is no longer wanted (its row is gone, the person turned
    mail off): the message is closed as cancelled, with the reason, and never retried."""


def register(
    kind: str,
    send: Callable[[OutboxMessage], None],
    *,
    gave_up: Callable[[OutboxMessage], None] | None = None,
    operated: Callable[..., None] | None = None,
) -> None:
    """Name the callable that sends letters of `kind`. It gets the message, sends one e-mail with
    `message.message_id` as its Message-ID, and raises on failure. `gave_up` gets the message
    (its state, attempts and last error as recorded) when it is given up after its last attempt.
    `operated(actor=…, message=…, act=…)` is called when an operator retries ("retried") or gives
    up ("given_up") a letter of the kind, with the message as it was, in the transaction of the
    act: it raises PermissionDenied to refuse the operator, and records the act where its app
    keeps it."""
    SENDERS[kind] = send
    for hooks, hook in ((GAVE_UP, gave_up), (OPERATED, operated)):
        if hook is None:
            hooks.pop(kind, None)
        else:
            hooks[kind] = hook


def new_message_id() -> str:
    domain = urlsplit(settings.SITE_URL).hostname or "veche.localhost"
    return f"<{uuid.uuid4()}@{domain}>"


def lease() -> datetime.timedelta:
    return datetime.timedelta(seconds=settings.VECHE_OUTBOX_LEASE_SECONDS)


def retry_delay(attempt: int) -> datetime.timedelta:
    """After the first failed attempt 1 minute, then 5, 25, … up to a day."""
    return datetime.timedelta(minutes=min(5 ** (attempt - 1), 24 * 60))


# --- Storing ----------------------------------------------------------------------------------


def put(*, kind: str, target_id: int) -> OutboxMessage:
    """Store the letter of `kind` about `target_id` (once: a second call returns the first
    message) and queue its sending when the caller's transaction commits."""
    return put_many(kind=kind, target_ids=[target_id])[0]


def put_many(*, kind: str, target_ids: Iterable[int]) -> list[OutboxMessage]:
    if kind not in SENDERS:
        raise LookupError(f"no sender registered for outbox kind {kind!r}")
    target_ids = list(dict.fromkeys(target_ids))
    if not target_ids:
        return []
    now = timezone.now()
    rows = [
        OutboxMessage(
            kind=kind,
            target_id=target_id,
            message_id=new_message_id(),
            next_attempt_at=now,
            created_at=now,
        )
        for target_id in target_ids
    ]
    made = {row.message_id for row in rows}
    with transaction.atomic():
        OutboxMessage.objects.bulk_create(rows, ignore_conflicts=True)
        messages = list(OutboxMessage.objects.filter(kind=kind, target_id__in=target_ids))
        fresh = [message.pk for message in messages if message.message_id in made]
        if fresh:
            transaction.on_commit(lambda: _queue(fresh))
    return messages


def _queue(message_ids: list[int], run_after: datetime.datetime | None = None) -> None:
    # robust: the messages are stored; if the task queue refuses one now, the sweeper queues it.
    for message_id in message_ids:
        try:
            if run_after is None:
                deliver_message.enqueue(message_id)
            else:
                deliver_message.using(run_after=run_after).enqueue(message_id)
        except Exception:
            logger.exception("outbox message %s not queued", message_id)


# --- Sending ----------------------------------------------------------------------------------


def _claimable(now: datetime.datetime) -> Q:
    return Q(state__in=[State.PENDING, State.FAILED], next_attempt_at__lte=now) | Q(
        state=State.SENDING, lease_until__lt=now
    )


def deliver(message_pk: int, *, now: datetime.datetime | None = None) -> str:
    """Claim the message, send it, record the outcome; returns what happened, in a word or two."""
    now = now or timezone.now()
    lease_until = now + lease()
    claimed = (
        OutboxMessage.objects.filter(pk=message_pk)
        .filter(_claimable(now))
        .update(state=State.SENDING, lease_until=lease_until, attempts=F("attempts") + 1)
    )
    if not claimed:
        state = OutboxMessage.objects.filter(pk=message_pk).values_list("state", flat=True).first()
        if state is None:
            return "gone"
        return "already handled" if state in FINISHED else "not due"
    # Committed before the letter goes out: if this worker dies mid-send, the sweep is waiting.
    _schedule_sweep(lease_until)
    message = OutboxMessage.objects.get(pk=message_pk)
    # Only the holder of this attempt records its outcome: had the lease run out and another
    # worker taken the message, `attempts` would have moved on.
    ours = OutboxMessage.objects.filter(
        pk=message_pk, state=State.SENDING, attempts=message.attempts
    )
    try:
        send = SENDERS.get(message.kind)
        if send is None:
            raise LookupError(f"no sender registered for outbox kind {message.kind!r}")
        send(message)
    except NothingToSend as reason:
        ours.update(state=State.CANCELLED, lease_until=None, last_error=str(reason))
        return str(reason)
    except Exception as error:
        gave_up = message.attempts >= settings.VECHE_OUTBOX_MAX_ATTEMPTS
        next_attempt_at = now + retry_delay(message.attempts)
        with transaction.atomic():
            recorded = ours.update(
                state=State.GAVE_UP if gave_up else State.FAILED,
                lease_until=None,
                next_attempt_at=next_attempt_at,
                last_error=f"{type(error).__name__}: {error}"[:2000],
            )
            # Only the worker that recorded the giving up tells of it: once per giving up.
            if gave_up and recorded and message.kind in GAVE_UP:
                GAVE_UP[message.kind](OutboxMessage.objects.get(pk=message_pk))
        logger.warning(
            "outbox message %s (%s %s) failed: %s",
            message_pk,
            message.kind,
            message.target_id,
            error,
            extra={"outbox": message_pk, "kind": message.kind, "attempt": message.attempts},
        )
        if gave_up:
            return "gave up"
        if deliver_message.get_backend().supports_defer:
            transaction.on_commit(lambda: _queue([message_pk], run_after=next_attempt_at))
        return "failed"
    ours.update(state=State.SENT, sent_at=timezone.now(), lease_until=None, last_error="")
    return "sent"


@task()
def deliver_message(message_pk: int) -> str:
    return deliver(message_pk)


# --- Sweeping ---------------------------------------------------------------------------------


def _schedule_sweep(at: datetime.datetime) -> None:
    """Queue a sweep for just after `at`, unless one was queued in the last lease period (a
    fan-out of a thousand notices needs one sweep, not a thousand)."""
    backend = sweep_outbox.get_backend()
    if not backend.supports_defer:
        return
    if not cache.add(
        "veche:outbox:sweep-queued", True, timeout=settings.VECHE_OUTBOX_LEASE_SECONDS
    ):
        return
    try:
        sweep_outbox.using(run_after=at + datetime.timedelta(seconds=1)).enqueue()
    except Exception:
        logger.exception("outbox sweep not queued")


def sweep(now: datetime.datetime | None = None) -> int:
    """Queue every message that is due and has no live worker: held by a lease that ran out, due
    for a retry, or pending for longer than a lease (its task was lost). Returns how many."""
    now = now or timezone.now()
    due = list(
        OutboxMessage.objects.filter(
            Q(state=State.SENDING, lease_until__lt=now)
            | Q(state=State.FAILED, next_attempt_at__lte=now)
            | Q(state=State.PENDING, next_attempt_at__lte=now - lease())
        )
        .order_by("next_attempt_at", "id")
        .values_list("pk", flat=True)[:SWEEP_BATCH]
    )
    if due:
        logger.info("outbox sweep: %s message(s) queued again", len(due))
        _queue(due)
    # Messages still held by a worker: if it dies, a later sweep must find them.
    held = OutboxMessage.objects.filter(state=State.SENDING, lease_until__gte=now).aggregate(
        until=Min("lease_until")
    )["until"]
    if held is not None or len(due) == SWEEP_BATCH:
        cache.delete("veche:outbox:sweep-queued")
        _schedule_sweep(held or now)
    return len(due)


@task()
def sweep_outbox() -> int:
    return sweep()


# --- Operators --------------------------------------------------------------------------------


def _check_operator(actor) -> None:
    if not actor.has_perm("core.change_outboxmessage"):
        raise PermissionDenied


def _tell_owner(*, actor, message: OutboxMessage, act: str) -> None:
    """The app that owns the kind asks its own permission and records the act on its row:
    the outbox's permission alone must not undo or repeat a letter that is the app's act."""
    if message.kind in OPERATED:
        OPERATED[message.kind](actor=actor, message=message, act=act)


def retry_now(*, actor, message: OutboxMessage) -> None:
    """One more attempt at once, also for a message that was given up."""
    _check_operator(actor)
    with transaction.atomic():
        message = OutboxMessage.objects.select_for_update().get(pk=message.pk)
        if message.state not in (State.PENDING, State.FAILED, State.GAVE_UP):
            raise ValidationError(_("Only a waiting or failed message can be retried."))
        _tell_owner(actor=actor, message=message, act="retried")
        OutboxMessage.objects.filter(pk=message.pk).update(
            state=State.FAILED if message.attempts else State.PENDING,
            next_attempt_at=timezone.now(),
        )
        record_event(
            actor=actor,
            action="outbox.retried",
            target=message,
            data={"kind": message.kind, "target": message.target_id, "state": message.state},
        )
        transaction.on_commit(lambda: _queue([message.pk]))


def send_again(message: OutboxMessage) -> OutboxMessage:
    """Queue a letter once more, whatever became of it, with a fresh count of attempts: an
    operator's resend after the addressee says it never came, or to a corrected address. A letter
    that went out gets a new Message-ID (mail systems drop a letter whose id they have seen); one
    that never went out keeps its own. Refused while a worker is sending it. The caller checks the
    operator's permission and records the audit event, in its transaction."""
    with transaction.atomic():
        message = OutboxMessage.objects.select_for_update().get(pk=message.pk)
        if message.state == State.SENDING:
            raise ValidationError(_("The letter is being sent right now; try again in a minute."))
        changes = {"state": State.PENDING, "attempts": 0, "next_attempt_at": timezone.now()}
        if message.state == State.SENT:
            changes |= {"message_id": new_message_id(), "sent_at": None}
        OutboxMessage.objects.filter(pk=message.pk).update(**changes, lease_until=None)
        transaction.on_commit(lambda: _queue([message.pk]))
        message.refresh_from_db()
    return message


def give_up(*, actor, message: OutboxMessage) -> None:
    """Never send this letter (say, the address is wrong and the letter goes another way)."""
    _check_operator(actor)
    with transaction.atomic():
        message = OutboxMessage.objects.select_for_update().get(pk=message.pk)
        if message.state not in (State.PENDING, State.FAILED):
            raise ValidationError(_("Only a waiting or failed message can be given up."))
        _tell_owner(actor=actor, message=message, act="given_up")
        OutboxMessage.objects.filter(pk=message.pk).update(state=State.GAVE_UP)
        record_event(
            actor=actor,
            action="outbox.given_up",
            target=message,
            data={"kind": message.kind, "target": message.target_id, "state": message.state},
        )
