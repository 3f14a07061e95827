"""Notifications in the admin: for operators answering "why did I (not) get this e-mail"."""

from django.contrib import admin

from veche.notifications.models import Notification, NotificationPreference


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["title", "user", "kind", "created_at", "read_at", "emailed_at", "digest"]
    list_filter = ["kind", "digest"]
    search_fields = ["user__email", "title"]
    raw_id_fields = ["user", "problem", "appeal"]
    date_hierarchy = "created_at"


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "email_mode", "updated_at"]
    list_filter = ["email_mode"]
    search_fields = ["user__email"]
    raw_id_fields = ["user"]
