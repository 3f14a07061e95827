"""The complaint queue: complaints about any registered content, read and decided through the
registry and the services (hide, restore, dismiss), each decision with its audit row."""

from django.contrib import admin, messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from veche.moderation import queries, registry
from veche.moderation.models import Complaint, Premoderation
from veche.moderation.premoderation import (
    delete_territory_premoderation,
    save_territory_premoderation,
)
from veche.moderation.services import dismiss_complaint, hide_content, restore_content


class KindFilter(admin.SimpleListFilter):
    title = _("kind of content")
    parameter_name = "kind"

    def lookups(self, request, model_admin):
        return [(kind.key, kind.label) for kind in registry.kinds()]

    def queryset(self, request, queryset):
        kind = next((k for k in registry.kinds() if k.key == self.value()), None)
        if kind is None:
            return queryset
        return queryset.filter(content_type=ContentType.objects.get_for_model(kind.model))


def _kind(complaint: Complaint):
    return registry.kind_for(ContentType.objects.get_for_id(complaint.content_type_id))


def _distinct_targets(complaints):
    """Each complained-about item once, however many of the chosen complaints name it."""
    targets = {}
    for complaint in complaints:
        kind, target = _kind(complaint), complaint.target
        if kind is not None and target is not None:
            key = (complaint.content_type_id, complaint.object_id)
            targets.setdefault(key, (kind, target, complaint))
    return list(targets.values())


@admin.register(Complaint)
class ComplaintAdmin(admin.ModelAdmin):
    list_display = ["about", "content", "is_hidden", "reason", "status", "reporter", "created_at"]
    list_filter = ["status", "reason", KindFilter]
    # Decisions are taken by the actions, through the services that keep their audit rows:
    # nothing here is edited by hand.
    fields = readonly_fields = [
        "about",
        "content",
        "is_hidden",
        "reporter",
        "reason",
        "details",
        "status",
        "created_at",
        "decided_by",
        "decided_at",
    ]
    actions = ["hide", "restore", "dismiss"]

    def get_queryset(self, request):
        return queries.with_targets(super().get_queryset(request))

    def has_add_permission(self, request):
        # Complaints are filed by residents about an item; an empty one would have none.
        return False

    def has_moderate_permission(self, request) -> bool:
        # The admin asks for every row's checkbox: answered from the database once a request.
        if not hasattr(request, "_may_moderate"):
            request._may_moderate = request.user.has_perm("moderation.moderate")
        return request._may_moderate

    @admin.display(description=_("kind of content"))
    def about(self, complaint: Complaint) -> str:
        kind = _kind(complaint)
        return kind.label if kind else queries.about(complaint)

    @admin.display(description=_("content"))
    def content(self, complaint: Complaint) -> str:
        kind, target = _kind(complaint), complaint.target
        if kind is None or target is None:
            return _("(deleted)")
        return format_html(
            '<a href="{}">{}</a>', kind.public_url(target), Truncator(kind.text(target)).chars(120)
        )

    @admin.display(description=_("hidden"), boolean=True)
    def is_hidden(self, complaint: Complaint) -> bool | None:
        kind, target = _kind(complaint), complaint.target
        return kind.is_hidden(target) if kind and target is not None else None

    def _decide(self, request, items, decide, done_message) -> None:
        done = 0
        for item in items:
            try:
                decide(item)
            except (PermissionDenied, ValidationError) as error:
                text = " ".join(getattr(error, "messages", None) or [str(error)])
                self.message_user(request, text, messages.WARNING)
            else:
                done += 1
        if done:
            self.message_user(request, done_message(done), messages.SUCCESS)

    @admin.action(description=_("Hide the reported content"), permissions=["moderate"])
    def hide(self, request, queryset):
        self._decide(
            request,
            [
                (target, c)
                for kind, target, c in _distinct_targets(queryset)
                if not kind.is_hidden(target)
            ],
            # On the ground the reporter's reason names; "something else" is decided in the
            # moderators' workspace, where a ground is chosen.
            lambda pair: hide_content(
                moderator=request.user, target=pair[0], ground=pair[1].ground, complaint=pair[1]
            ),
            lambda count: (
                ngettext("%(count)d item hidden.", "%(count)d items hidden.", count)
                % {"count": count}
            ),
        )

    @admin.action(description=_("Restore the hidden content"), permissions=["moderate"])
    def restore(self, request, queryset):
        self._decide(
            request,
            [target for kind, target, _c in _distinct_targets(queryset) if kind.is_hidden(target)],
            lambda target: restore_content(moderator=request.user, target=target),
            lambda count: (
                ngettext("%(count)d item restored.", "%(count)d items restored.", count)
                % {"count": count}
            ),
        )

    @admin.action(description=_("Dismiss the complaints"), permissions=["moderate"])
    def dismiss(self, request, queryset):
        self._decide(
            request,
            list(queryset.filter(status=Complaint.Status.OPEN)),
            lambda complaint: dismiss_complaint(moderator=request.user, complaint=complaint),
            lambda count: (
                ngettext("%(count)d complaint dismissed.", "%(count)d complaints dismissed.", count)
                % {"count": count}
            ),
        )


@admin.register(Premoderation)
class PremoderationAdmin(admin.ModelAdmin):
    """A territory's own pre-moderation (the operators' page): saved and deleted through the
    services that ask the permission and write the audit row."""

    list_display = ["territory", "below_level"]
    list_select_related = ["territory"]
    autocomplete_fields = ["territory"]
    search_fields = ["territory__code", "territory__name"]

    def save_model(self, request, obj, form, change):
        save_territory_premoderation(actor=request.user, rule=obj)

    def delete_model(self, request, obj):
        delete_territory_premoderation(actor=request.user, rule=obj)

    def delete_queryset(self, request, queryset):
        for rule in queryset.select_related("territory"):
            self.delete_model(request, rule)
