"""Background work of appeals. Dispatches are delivered by the outbox (`veche.core.outbox`,
sender `veche.appeals.delivery.send_dispatch`); this task stays for the tasks queued before it."""

from django_tasks import task

from veche.appeals.models import DISPATCH_KIND
from veche.core import outbox


@task()
def deliver_dispatch(dispatch_id: int) -> str:
    """Send one dispatch now, through its outbox message (stored if it is not yet)."""
    return outbox.deliver(outbox.put(kind=DISPATCH_KIND, target_id=dispatch_id).pk)
