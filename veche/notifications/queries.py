"""The read side of notifications: a person's inbox and unread count, only their own."""

from django.db.models import QuerySet

from veche.notifications.models import Notification


def inbox_for(user) -> QuerySet[Notification]:
    return Notification.objects.filter(user=user).only(
        "id", "kind", "title", "body", "url", "created_at", "read_at"
    )


def unread_count(user) -> int:
    if not user.is_authenticated:
        return 0
    return Notification.objects.filter(user=user, read_at__isnull=True).count()
