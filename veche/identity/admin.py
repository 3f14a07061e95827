import copy
import json

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _

from veche.identity.census import CensusFileError
from veche.identity.forms import CensusUploadForm
from veche.identity.models import (
    CensusImport,
    EligibilityRule,
    IdentityProvider,
    PropertyClaim,
    Verification,
)
from veche.identity.services import import_census, review_property_claim, save_identity_provider


@admin.register(IdentityProvider)
class IdentityProviderAdmin(admin.ModelAdmin):
    list_display = ["slug", "title", "issuer", "is_enabled"]
    fieldsets = (
        (None, {"fields": ("slug", "name", "is_enabled")}),
        (_("Connection"), {"fields": ("issuer", "client_id", "client_secret", "scopes")}),
        (
            _("What the provider tells us"),
            {
                "fields": (
                    "claim_mapping",
                    "confirmed_claim",
                    "trust_framework",
                    "home_territory",
                    "validity_days",
                )
            },
        ),
    )

    def save_model(self, request, obj, form, change):
        save_identity_provider(provider=obj)


@admin.register(Verification)
class VerificationAdmin(admin.ModelAdmin):
    list_display = [
        "user",
        "level",
        "source_reference",
        "territory",
        "verified_at",
        "expires_at",
        "revoked_at",
    ]
    list_filter = ["level", "source"]
    search_fields = ["user__email"]
    # The claims are shown with a confirmed phone number masked: only its owner sees it whole.
    fields = readonly_fields = [
        *(field.name for field in Verification._meta.fields if field.name != "verified_claims"),
        "claims_shown",
    ]

    @admin.display(description=_("verified claims"))
    def claims_shown(self, obj) -> str:
        shown = copy.deepcopy(obj.verified_claims)
        if obj.phone_number:
            shown["claims"]["phone_number"] = obj.phone_number_masked
        return json.dumps(shown, ensure_ascii=False, indent=2)

    def has_add_permission(self, request):
        return False


@admin.register(CensusImport)
class CensusImportAdmin(admin.ModelAdmin):
    list_display = ["file_name", "territory", "row_count", "created_at", "valid_until"]
    readonly_fields = ["territory", "uploaded_by", "file_name", "row_count", "created_at"]

    def get_urls(self):
        return [
            path(
                "upload/",
                self.admin_site.admin_view(self.upload_view),
                name="identity_censusimport_upload",
            ),
            *super().get_urls(),
        ]

    def add_view(self, request, form_url="", extra_context=None):
        return redirect("admin:identity_censusimport_upload")

    def upload_view(self, request):
        form = CensusUploadForm(request.POST or None, request.FILES or None)
        errors = []
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                census = import_census(
                    territory=form.cleaned_data["territory"],
                    file_name=upload.name,
                    content=upload.read(),
                    uploaded_by=request.user,
                    valid_until=form.cleaned_data["valid_until"],
                )
            except CensusFileError as error:
                errors = error.errors
            else:
                self.message_user(
                    request,
                    _("Imported %(count)s residents.") % {"count": census.row_count},
                    messages.SUCCESS,
                )
                return redirect("admin:identity_censusimport_changelist")
        return TemplateResponse(
            request,
            "admin/identity/census_upload.html",
            {
                **self.admin_site.each_context(request),
                "form": form,
                "errors": errors,
                "title": _("Upload a census list"),
                "opts": self.model._meta,
            },
        )


@admin.register(PropertyClaim)
class PropertyClaimAdmin(admin.ModelAdmin):
    list_display = ["cadastral_number", "kind", "territory", "user", "status", "created_at"]
    list_filter = ["status", "kind"]
    actions = ["accept"]
    readonly_fields = [
        "user",
        "territory",
        "kind",
        "cadastral_number",
        "document",
        "status",
        "reviewed_by",
        "reviewed_at",
    ]

    @admin.action(description=_("Accept the selected declarations"))
    def accept(self, request, queryset):
        for claim in queryset:
            try:
                review_property_claim(claim=claim, reviewer=request.user, accept=True)
            except ValidationError as error:
                self.message_user(request, f"{claim}: {' '.join(error.messages)}", messages.WARNING)


@admin.register(EligibilityRule)
class EligibilityRuleAdmin(admin.ModelAdmin):
    list_display = ["action", "content_type", "object_id", "min_level", "min_age", "owners_qualify"]
    filter_horizontal = ["territories"]
