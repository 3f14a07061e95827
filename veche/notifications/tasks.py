"""Background work of notifications: mailing one notice, the daily digests. An event's notices
are made by the outbox (`services.tell_of_event`), not by a task of their own."""

from django.utils import timezone
from django_tasks import task

from veche.core import outbox
from veche.notifications import services


@task()
def send_notification_email(notification_id: int) -> str:
    """Mail one notice now, through its outbox message (stored if it is not yet); at most once.
    Notices are normally queued by `services.notify*`; this stays for tasks queued before the
    outbox, and for the shell."""
    message = outbox.put(kind=services.NOTICE_KIND, target_id=notification_id)
    return outbox.deliver(message.pk)


@task()
def send_digests() -> int:
    return services.send_daily_digests(timezone.now())
