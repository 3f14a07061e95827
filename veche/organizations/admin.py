from django import forms
from django.contrib import admin
from django.core.files.uploadedfile import UploadedFile

from veche.core.forms import SingleLineTranslationsField
from veche.core.images import strip_metadata
from veche.organizations.models import Membership, Organization


class OrganizationAdminForm(forms.ModelForm):
    class Meta:
        model = Organization
        fields = "__all__"  # noqa: DJ007  (the admin shows every field of the organization)

    def clean_logo(self):
        logo = self.cleaned_data.get("logo")
        # A new upload only: the stored logo was cleaned when it came.
        if isinstance(logo, UploadedFile):
            return strip_metadata(logo)
        return logo


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    form = OrganizationAdminForm
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
