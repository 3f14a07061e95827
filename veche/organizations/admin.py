from django.contrib import admin

from veche.organizations.models import Membership, Organization


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["slug", "title", "kind", "parent", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["slug", "name"]
    autocomplete_fields = ["parent"]
    filter_horizontal = ["jurisdiction"]
    inlines = [MembershipInline]
