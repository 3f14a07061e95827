from django.contrib import admin

from veche.territories.models import Territory


@admin.register(Territory)
class TerritoryAdmin(admin.ModelAdmin):
    list_display = ["code", "title", "kind", "parent", "depth"]
    list_filter = ["kind"]
    search_fields = ["code", "name", "oktmo"]
    autocomplete_fields = ["parent"]
    readonly_fields = ["path", "depth"]
