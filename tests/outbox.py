"""What the worker (`veche db_worker`) does with the outbox, done at once in a test."""

from veche.core import outbox
from veche.core.models import OutboxMessage


def deliver_everything() -> None:
    """Deliver whatever the outbox holds: events become notices, notices and receipts become
    e-mails (in rounds, since a delivered event stores new letters)."""
    for _round in range(5):
        waiting = list(
            OutboxMessage.objects.filter(state=OutboxMessage.State.PENDING).values_list(
                "pk", flat=True
            )
        )
        if not waiting:
            return
        for pk in waiting:
            outbox.deliver(pk)
