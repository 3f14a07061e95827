"""The register of issued documents, read-only: rows are written only by issuing a PDF."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from veche.documents import registry
from veche.documents.models import IssuedDocument


class KindFilter(admin.SimpleListFilter):
    """The kinds the apps registered, by their labels."""

    title = _("kind")
    parameter_name = "kind"

    def lookups(self, request, model_admin):
        return [(kind.code, kind.label) for kind in registry.kinds()]

    def queryset(self, request, queryset):
        return queryset.filter(kind=self.value()) if self.value() else queryset


@admin.register(IssuedDocument)
class IssuedDocumentAdmin(admin.ModelAdmin):
    list_display = ["code", "kind_label", "title", "for_addressee", "language", "created_at"]
    list_filter = [KindFilter, "for_addressee", "language"]
    search_fields = ["code", "sha256", "=object_id"]
    date_hierarchy = "created_at"

    @admin.display(description=_("kind"), ordering="kind")
    def kind_label(self, document: IssuedDocument) -> str:
        return document.kind_label

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
