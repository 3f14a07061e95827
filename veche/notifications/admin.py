"""Notifications in the admin: for operators answering "why did I (not) get this e-mail"."""

from django.contrib import admin

from veche.notifications.models import Event, Notification, NotificationPreference


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["title", "user", "kind", "created_at", "read_at", "emailed_at", "digest"]
    list_filter = ["kind", "digest", "subject_type"]
    search_fields = ["user__email", "title"]
    raw_id_fields = ["user"]
    date_hierarchy = "created_at"


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "email_mode", "updated_at"]
    list_filter = ["email_mode"]
    search_fields = ["user__email"]
    raw_id_fields = ["user"]


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    """What happened and whether its notices were made (by the outbox's worker)."""

    list_display = ["name", "subject_type", "subject_id", "created_at", "notified_at"]
    list_filter = ["name", "subject_type"]
    date_hierarchy = "created_at"
    readonly_fields = [
        "subject_type",
        "subject_id",
        "name",
        "context",
        "key",
        "created_at",
        "notified_at",
    ]

    def has_add_permission(self, request) -> bool:
        return False
