"""Background work of appeals: delivering dispatches to organizations."""

import datetime
import logging

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django_tasks import task

from veche.appeals.models import Dispatch

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 6


def retry_delay(attempt: int) -> datetime.timedelta:
    """1, 5, 25 minutes, … up to a day."""
    return datetime.timedelta(minutes=min(5 ** (attempt - 1), 24 * 60))


@task()
def deliver_dispatch(dispatch_id: int) -> str:
    """Send one dispatch. The row is claimed by a conditional update, so a retried or duplicated
    task never sends twice."""
    claimed = Dispatch.objects.filter(
        pk=dispatch_id, status__in=[Dispatch.Status.PENDING, Dispatch.Status.FAILED]
    ).update(status=Dispatch.Status.SENDING, attempts=F("attempts") + 1)
    if not claimed:
        return "already handled"
    dispatch = Dispatch.objects.select_related("appeal__problem", "organization", "revision").get(
        pk=dispatch_id
    )
    from veche.appeals.delivery import send_appeal_email

    try:
        send_appeal_email(dispatch)
    except Exception as error:
        logger.warning(
            "dispatch %s failed: %s",
            dispatch_id,
            error,
            extra={"dispatch": dispatch_id, "attempt": dispatch.attempts},
        )
        gave_up = dispatch.attempts >= MAX_ATTEMPTS
        Dispatch.objects.filter(pk=dispatch_id).update(
            status=Dispatch.Status.GAVE_UP if gave_up else Dispatch.Status.FAILED,
            last_error=f"{type(error).__name__}: {error}"[:2000],
        )
        if not gave_up:
            transaction.on_commit(
                lambda: deliver_dispatch.using(
                    run_after=timezone.now() + retry_delay(dispatch.attempts)
                ).enqueue(dispatch_id)
            )
        return "failed"
    Dispatch.objects.filter(pk=dispatch_id).update(
        status=Dispatch.Status.SENT, sent_at=timezone.now(), last_error=""
    )
    return "sent"
