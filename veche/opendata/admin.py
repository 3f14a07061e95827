"""The dumps' runs in the admin: operators see when each day's dump ran, what it holds and why
it failed, without a shell. Read-only: the command writes them."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from veche.opendata.models import DumpRun


@admin.register(DumpRun)
class DumpRunAdmin(admin.ModelAdmin):
    list_display = [
        "day",
        "state",
        "started_at",
        "finished_at",
        "attempts",
        "total_rows",
        "short_error",
    ]
    list_filter = ["state"]
    date_hierarchy = "day"
    readonly_fields = [field.name for field in DumpRun._meta.fields]

    @admin.display(description=_("rows"))
    def total_rows(self, run: DumpRun) -> int:
        return sum(run.rows.values())

    @admin.display(description=_("error"))
    def short_error(self, run: DumpRun) -> str:
        lines = run.error.strip().splitlines()
        return lines[-1][:160] if lines else ""

    def has_add_permission(self, request) -> bool:
        return False  # `veche open_data_dump` writes them

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # the record of what was published and when
