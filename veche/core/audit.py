"""Writing and checking the audit log. Services call `record_event` inside their transaction."""

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from veche.core.models import GENESIS_HASH, AuditEvent


def record_event(*, actor, action: str, target=None, data: dict | None = None) -> AuditEvent:
    """Append an event to the chain, in the caller's transaction."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("record_event must run inside the transaction of the change it records")
    # Lock the head of the chain so that two writers never link to the same previous event.
    head = AuditEvent.objects.select_for_update().order_by("-id").only("hash").first()
    event = AuditEvent(
        created_at=timezone.now(),
        actor=actor if getattr(actor, "pk", None) else None,
        actor_ref=str(actor.pk) if getattr(actor, "pk", None) else "",
        action=action,
        object_type=target._meta.label_lower if target is not None else "",
        object_id=str(target.pk) if target is not None else "",
        data=data or {},
        previous_hash=head.hash if head else GENESIS_HASH,
    )
    event.hash = event.compute_hash()
    event.save()
    return event


@dataclass(frozen=True)
class ChainCheck:
    events: int
    broken_at: int | None  # id of the first event whose hash or link does not hold

    @property
    def intact(self) -> bool:
        return self.broken_at is None


def verify_chain() -> ChainCheck:
    previous = GENESIS_HASH
    count = 0
    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=2000):
        count += 1
        if event.previous_hash != previous or event.compute_hash() != event.hash:
            return ChainCheck(count, event.pk)
        previous = event.hash
    return ChainCheck(count, None)
