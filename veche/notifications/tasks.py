"""Background work of notifications: mailing one notice, the daily digests, overdue notices."""

from django.utils import timezone
from django_tasks import task

from veche.core import outbox
from veche.notifications import services


@task()
def send_notification_email(notification_id: int) -> str:
    """Mail one notice now, through its outbox message (stored if it is not yet); at most once.
    Notices are normally queued by `services.notify_*`; this stays for tasks queued before the
    outbox, and for the shell."""
    message = outbox.put(kind=services.NOTICE_KIND, target_id=notification_id)
    return outbox.deliver(message.pk)


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
