from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from veche.moderation.models import Complaint
from veche.moderation.services import hide_comment


@admin.register(Complaint)
class ComplaintAdmin(admin.ModelAdmin):
    list_display = ["comment", "reason", "status", "reporter", "created_at"]
    list_filter = ["status", "reason"]
    readonly_fields = [
        "comment",
        "reporter",
        "reason",
        "details",
        "created_at",
        "decided_by",
        "decided_at",
    ]
    actions = ["hide"]

    def has_add_permission(self, request):
        # Complaints are filed by residents about a comment; an empty one would have none.
        return False

    @admin.action(description=_("Hide the reported comments"))
    def hide(self, request, queryset):
        for complaint in queryset.select_related("comment"):
            hide_comment(
                moderator=request.user,
                comment=complaint.comment,
                reason=complaint.get_reason_display(),
            )
        self.message_user(request, _("Hidden."), messages.SUCCESS)
