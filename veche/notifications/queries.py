"""The read side of notifications: a person's inbox and unread count, only their own."""

from django.db.models import QuerySet

from veche.notifications.models import Notification, NotificationPreference

EmailMode = NotificationPreference.EmailMode


def inbox_for(user) -> QuerySet[Notification]:
    return Notification.objects.filter(user=user).only(
        "id", "kind", "title", "body", "url", "created_at", "read_at"
    )


def unread_count(user) -> int:
    if not user.is_authenticated:
        return 0
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


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
