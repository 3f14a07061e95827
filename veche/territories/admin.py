from django.contrib import admin

from veche.core.forms import SingleLineTranslationsField
from veche.territories.models import Territory


@admin.register(Territory)
class TerritoryAdmin(admin.ModelAdmin):
    list_display = ["code", "title", "kind", "parent", "depth"]
    list_filter = ["kind"]
    search_fields = ["code", "name", "oktmo"]
    autocomplete_fields = ["parent"]
    readonly_fields = ["path", "depth"]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name in ("name",):
            kwargs["form_class"] = SingleLineTranslationsField
        return super().formfield_for_dbfield(db_field, request, **kwargs)
