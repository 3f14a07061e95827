"""The read side of notifications: a person's inbox and unread count, only their own."""

from collections.abc import Iterable

from django.db.models import QuerySet

from veche.core import stamped as kept
from veche.core.stamped import stamped
from veche.notifications.models import Notification, NotificationPreference

EmailMode = NotificationPreference.EmailMode


def inbox_for(user) -> QuerySet[Notification]:
    return Notification.objects.filter(user=user).only(
        "id", "kind", "title", "body", "url", "created_at", "read_at"
    )


# The header shows the count on every page a signed-in person opens. With a shared cache it is
# kept there, stamped with a version of the person's that new notices, reading and erasure move
# on (`unread_changed`); the lifetime bounds what a change made otherwise (the admin) leaves.
# With each process's own cache it is counted on each page: notices are made by the worker,
# another process, whose changes the web process's cache would not see.
UNREAD_SECONDS = 300


def _unread_version_key(user_id: int) -> str:
    return f"notifications:unread-version:{user_id}"


def unread_count(user) -> int:
    if not user.is_authenticated:
        return 0
    if not kept.is_shared():
        return _count_unread(user.pk)
    key, version_key = unread_read(user.pk)
    return stamped(key, version_key, lambda: _count_unread(user.pk), shared_seconds=UNREAD_SECONDS)


def unread_read(user_id: int) -> kept.Read:
    """What `unread_count` reads from the shared cache, read ahead with a page's account."""
    return kept.Read(f"notifications:unread:{user_id}", _unread_version_key(user_id))


def _count_unread(user_id: int) -> int:
    return Notification.objects.filter(user_id=user_id, read_at__isnull=True).count()


def unread_changed(user_ids: Iterable[int]) -> None:
    """The people's unread counts are to be counted again (after the transaction too)."""
    kept.move_on_many(_unread_version_key(user_id) for user_id in set(user_ids))


def personal_data(user) -> dict:
    """The person's notices and e-mail choice, for the personal-data export."""

    def when(value):
        return value.isoformat() if value else None

    preference = NotificationPreference.objects.filter(user=user).first()
    return {
        "notification_settings": {
            "email_mode": preference.email_mode if preference else EmailMode.IMMEDIATE
        },
        "notifications": [
            {
                "kind": notice.kind,
                "title": notice.title,
                "text": notice.body,
                "link": notice.url,
                "created_at": when(notice.created_at),
                "read_at": when(notice.read_at),
                "emailed_at": when(notice.emailed_at),
            }
            for notice in Notification.objects.filter(user=user).order_by("created_at", "id")
        ],
    }
