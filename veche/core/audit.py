"""Writing, sealing and checking the audit log. Services call `record_event` inside their
transaction; the sealer links the events into the chain afterwards, in batches.

Writers never wait for each other: `record_event` only inserts a pending event. `seal_pending`
(run by `veche seal_audit`, and by `veche verify_audit` before it checks) takes the one sealer
lock, gives every committed pending event the next `sequence`, links it to the event before and
hashes it. An event whose transaction commits late simply gets a later sequence than events with
higher ids, so no gap in commit order can fork the chain.
"""

import contextlib
import contextvars
import datetime
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from veche.core.models import GENESIS_HASH, AuditEvent, AuditHead

# The key of the PostgreSQL advisory lock that only one sealer holds at a time ("veche" in ASCII).
SEALER_LOCK = 0x7665636865
SEAL_BATCH = 2000


# The channel through which the actor acts, when it is not a page: an organization's API client
# ("api-client:7"). Every event recorded meanwhile names it in its data under "via".
_channel: contextvars.ContextVar[str] = contextvars.ContextVar("audit_channel", default="")


@contextlib.contextmanager
def acting_through(channel: str):
    """Events recorded inside the block say they came through `channel`."""
    token = _channel.set(channel)
    try:
        yield
    finally:
        _channel.reset(token)


def record_event(*, actor, action: str, target=None, data: dict | None = None) -> AuditEvent:
    """Add an event to the log, pending seal, in the caller's transaction."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("record_event must run inside the transaction of the change it records")
    event = new_event(actor=actor, action=action, target=target, data=data)
    event.save(force_insert=True)
    return event


def new_event(*, actor, action: str, target=None, data: dict | None = None) -> AuditEvent:
    """The event `record_event` adds, not saved: for a caller that inserts it in a statement of
    its own (signing, `veche.core.rows`), inside the transaction of the change it records."""
    data = dict(data or {})
    if _channel.get():
        data.setdefault("via", _channel.get())
    return AuditEvent(
        created_at=timezone.now(),
        actor=actor if getattr(actor, "pk", None) else None,
        actor_ref=str(actor.pk) if getattr(actor, "pk", None) else "",
        action=action,
        object_type=target._meta.label_lower if target is not None else "",
        object_id=str(target.pk) if target is not None else "",
        data=data,
    )


def seal_pending(*, batch: int = SEAL_BATCH) -> int:
    """Link every committed pending event into the chain; return how many were sealed."""
    sealed = 0
    while True:
        count = _seal_batch(batch)
        sealed += count
        if count < batch:
            return sealed


@transaction.atomic
def _seal_batch(limit: int) -> int:
    if connection.vendor == "postgresql":
        # Held to the end of this transaction. Elsewhere (SQLite) writers are serialised anyway,
        # and the unique sequence refuses a second sealer's fork.
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [SEALER_LOCK])
    sequence, previous = _sealed_head()
    # Read after taking the lock, so only events committed by now; later ones wait for the
    # next round and get later sequences.
    pending = list(AuditEvent.objects.filter(sequence__isnull=True).order_by("id")[:limit])
    for event in pending:
        sequence += 1
        event.sequence = sequence
        event.previous_hash = previous
        event.hash = event.compute_hash()
        previous = event.hash
    AuditEvent.objects.bulk_update(pending, ["sequence", "previous_hash", "hash"], batch_size=500)
    return len(pending)


def _sealed_head() -> tuple[int, str]:
    head = (
        AuditEvent.objects.filter(sequence__isnull=False)
        .order_by("-sequence")
        .values_list("sequence", "hash")
        .first()
    )
    return head if head else (0, GENESIS_HASH)


def publish_head(*, day: datetime.date | None = None) -> AuditHead:
    """Publish the head of the chain for `day` (today by default) once; later calls that day
    return the head already published."""
    day = day or timezone.localdate()
    published = AuditHead.objects.filter(day=day).first()
    if published:
        return published
    seal_pending()
    sequence, hash_ = _sealed_head()
    head, _created = AuditHead.objects.get_or_create(
        day=day, defaults={"sequence": sequence, "hash": hash_, "created_at": timezone.now()}
    )
    return head


@dataclass(frozen=True)
class ChainCheck:
    events: int  # sealed events checked
    pending: int  # events not sealed yet: not part of the chain, not a fault
    broken_at: int | None  # id of the first event whose hash or link does not hold
    head_lost: datetime.date | None  # the first published head the chain no longer leads to

    @property
    def intact(self) -> bool:
        return self.broken_at is None and self.head_lost is None


def verify_chain() -> ChainCheck:
    """Walk the sealed events in chain order and compare with every published head."""
    heads: dict[int, list[AuditHead]] = {}
    for head in AuditHead.objects.order_by("day"):
        heads.setdefault(head.sequence, []).append(head)
    lost = [head.day for head in heads.get(0, []) if head.hash != GENESIS_HASH]
    previous = GENESIS_HASH
    count = 0
    broken_at = None
    sealed = AuditEvent.objects.filter(sequence__isnull=False).order_by("sequence")
    for event in sealed.iterator(chunk_size=2000):
        count += 1
        # A removed event leaves a gap in the sequence; a changed one breaks its own hash.
        if (
            event.sequence != count
            or event.previous_hash != previous
            or event.compute_hash() != event.hash
        ):
            broken_at = event.pk
            break
        lost += [head.day for head in heads.get(event.sequence, []) if head.hash != event.hash]
        previous = event.hash
    if broken_at is None:
        # A head beyond the end of the chain: its tail was cut off.
        lost += [head.day for sequence, same in heads.items() if sequence > count for head in same]
    return ChainCheck(
        events=count,
        pending=AuditEvent.objects.filter(sequence__isnull=True).count(),
        broken_at=broken_at,
        head_lost=min(lost) if lost else None,
    )
