"""Background work of notifications: mailing one notice, the daily digests, overdue notices."""

import datetime
import logging

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from veche.notifications import services
from veche.notifications.models import Notification

logger = logging.getLogger(__name__)

MAX_EMAIL_ATTEMPTS = 5


def retry_delay(attempt: int) -> datetime.timedelta:
    """5, 25, 125 minutes, … up to six hours."""
    return datetime.timedelta(minutes=min(5**attempt, 6 * 60))


@task()
def send_notification_email(notification_id: int) -> str:
    """Mail one notice. The notice is claimed by a conditional update on emailed_at, so a
    retried or duplicated task never sends it twice."""
    try:
        return services.email_notification(notification_id)
    except Exception as error:
        attempts = (
            Notification.objects.filter(pk=notification_id)
            .values_list("email_attempts", flat=True)
            .first()
            or 0
        )
        logger.warning(
            "notification %s not mailed: %s",
            notification_id,
            error,
            extra={"notification": notification_id, "attempt": attempts},
        )
        backend = send_notification_email.get_backend()
        if attempts < MAX_EMAIL_ATTEMPTS and backend.supports_defer:
            run_after = timezone.now() + retry_delay(attempts)
            transaction.on_commit(
                lambda: send_notification_email.using(run_after=run_after).enqueue(notification_id)
            )
        return "failed"


@task()
def deliver_appeal_event(event: str, appeal_id: int, context: dict | None = None) -> int:
    """The same as services.notify_appeal_event, for callers that would rather not create
    thousands of notices inside a web request."""
    return len(services.notify_appeal_event(event=event, appeal_id=appeal_id, context=context))


@task()
def send_digests() -> int:
    return services.send_daily_digests(timezone.now())


@task()
def check_overdue() -> int:
    return len(services.notify_overdue_appeals(timezone.localdate()))
