"""The register of issued documents, read-only: rows are written only by issuing a PDF."""

from django.contrib import admin

from veche.documents.models import IssuedDocument


@admin.register(IssuedDocument)
class IssuedDocumentAdmin(admin.ModelAdmin):
    list_display = ["code", "kind", "title", "for_addressee", "language", "created_at"]
    list_filter = ["kind", "for_addressee", "language"]
    search_fields = ["code", "sha256", "=object_id"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
