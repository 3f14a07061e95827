from django.contrib import admin

from veche.core.forms import SingleLineTranslationsField
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

    # Names head letters and make the subjects of e-mails: each text kept on one line.
    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name in ("name", "short_name"):
            kwargs["form_class"] = SingleLineTranslationsField
        return super().formfield_for_dbfield(db_field, request, **kwargs)
