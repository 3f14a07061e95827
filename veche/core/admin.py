"""The outbox in the admin: operators see what waits, what failed and why, and retry or give up a
letter without a shell. Both actions go through `veche.core.outbox` and leave an audit row.
Beside the rate limits, the load the site turned away in the last hour (`veche.core.overload`)."""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_tasks_db.admin import DBTaskResultAdmin

from veche.core import outbox, overload, ratelimits, stamped
from veche.core.audited import ShownNotSaved
from veche.core.models import OutboxMessage, RateLimit


@admin.register(OutboxMessage)
class OutboxMessageAdmin(ShownNotSaved, admin.ModelAdmin):
    # A letter saved from its page would go back to waiting, as the page read it, to go out
    # twice: "Retry now" and "Give up" go through `veche.core.outbox`.
    list_display = ["id", "kind", "target_id", "state", "attempts", "next_attempt_at", "sent_at",
                    "short_error"]  # fmt: skip
    list_filter = ["state", "kind"]
    search_fields = ["message_id", "=target_id", "last_error"]
    date_hierarchy = "created_at"
    actions = ["retry_now", "give_up"]
    readonly_fields = [field.name for field in OutboxMessage._meta.fields]

    @admin.display(description=_("last error"))
    def short_error(self, message: OutboxMessage) -> str:
        return message.last_error[:120]

    def has_add_permission(self, request) -> bool:
        return False  # letters are written by the change that calls for them

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # "give up" keeps the record of what was not sent

    def _act(self, request, queryset, act) -> int:
        count = 0
        for message in queryset:
            try:
                act(actor=request.user, message=message)
            except (ValidationError, PermissionDenied) as error:
                # One refused letter (a kind that asks its own permission too) stops no other.
                if isinstance(error, ValidationError):
                    reason = error.messages[0]
                else:
                    reason = str(error) or _("Only operators with this permission may do it.")
                self.message_user(request, f"{message}: {reason}", messages.WARNING)
            else:
                count += 1
        return count

    @admin.action(description=_("Retry now"), permissions=["change"])
    def retry_now(self, request, queryset) -> None:
        if count := self._act(request, queryset, outbox.retry_now):
            text = ngettext(
                "%(count)d message is queued again.", "%(count)d messages are queued again.", count
            )
            self.message_user(request, text % {"count": count})

    @admin.action(description=_("Give up"), permissions=["change"])
    def give_up(self, request, queryset) -> None:
        if count := self._act(request, queryset, outbox.give_up):
            text = ngettext(
                "%(count)d message is given up.", "%(count)d messages are given up.", count
            )
            self.message_user(request, text % {"count": count})


@admin.register(RateLimit)
class RateLimitAdmin(admin.ModelAdmin):
    """The operators' table of rate limits: each save and deletion through
    `veche.core.ratelimits`, which asks the permission again, writes the audit row and makes
    the change count at once."""

    list_display = ["action", "scope", "burst", "sustained", "enabled"]
    list_filter = ["action", "scope", "enabled"]
    list_editable = ["enabled"]
    ordering = ["action", "scope"]
    change_list_template = "admin/core/ratelimit/change_list.html"

    def get_changelist_form(self, request, **kwargs):
        """The table's "enabled" boxes named for screen readers (Django's have no label)."""
        label = RateLimit._meta.get_field("enabled").verbose_name
        kwargs.setdefault("widgets", {"enabled": forms.CheckboxInput(attrs={"aria-label": label})})
        return super().get_changelist_form(request, **kwargs)

    def get_urls(self):
        return [
            path(
                "load/",
                self.admin_site.admin_view(self.load_view),
                name="core_ratelimit_load",
            ),
            *super().get_urls(),
        ]

    def load_view(self, request):
        """The requests let through and turned away (waited past the queue's limit) in each
        minute of the last hour, summed over every process that shares the cache."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        load = overload.last_hours_load()
        return TemplateResponse(
            request,
            "admin/core/ratelimit/load.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Load turned away"),
                "opts": self.model._meta,
                "minutes": load.minutes,
                "answered": load.answered,
                "shed": load.shed,
                "percent": load.percent,
                "queue_limit_ms": settings.VECHE_QUEUE_LIMIT_MS,
                "retry_after": settings.VECHE_RETRY_AFTER_SECONDS,
                "flush_seconds": overload.FLUSH_SECONDS,
                "shared_cache": stamped.is_shared(),
            },
        )

    @admin.display(description=_("burst"))
    def burst(self, row: RateLimit) -> str:
        return _("%(limit)s in %(span)s") % {
            "limit": row.burst_limit,
            "span": ratelimits.span(row.burst_seconds),
        }

    @admin.display(description=_("sustained"))
    def sustained(self, row: RateLimit) -> str:
        return _("%(limit)s in %(span)s") % {
            "limit": row.sustained_limit,
            "span": ratelimits.span(row.sustained_seconds),
        }

    def save_model(self, request, obj, form, change):
        ratelimits.save_rate_limit(actor=request.user, rate_limit=obj)

    def delete_model(self, request, obj):
        ratelimits.delete_rate_limit(actor=request.user, rate_limit=obj)

    def delete_queryset(self, request, queryset):
        for row in queryset:
            self.delete_model(request, row)


class TaskResultAdmin(DBTaskResultAdmin):
    """django-tasks' read-only table of background tasks, its columns named in the operator's
    language (the library's own are English strings): put in its place by
    `veche.core.apps.TaskQueueConfig`, once the admin has found the library's."""

    list_display = [
        "task" if column == "task_name" else column for column in DBTaskResultAdmin.list_display
    ]

    @admin.display(description=_("task"))
    def task(self, obj):
        return obj.task_name

    @admin.display(description=_("traceback"))
    def formatted_traceback(self, obj):
        return super().formatted_traceback(obj)

    @admin.display(description=_("run after"))
    def display_run_after(self, obj):
        return super().display_run_after(obj)
