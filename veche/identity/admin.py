import copy
import json

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from veche.core.audited import AuditedAdmin, ShownNotSaved
from veche.identity.census import CensusFileError
from veche.identity.forms import CensusUploadForm, IdentityProviderForm, RebindForm
from veche.identity.models import (
    CensusImport,
    EligibilityRule,
    IdentityProvider,
    PropertyClaim,
    Verification,
)
from veche.identity.services import (
    configuration,
    import_census,
    rebind_verification,
    review_property_claim,
)


@admin.register(IdentityProvider)
class IdentityProviderAdmin(AuditedAdmin):
    save_service = configuration.change_identity_provider
    delete_service = configuration.delete_identity_provider
    noun = "provider"
    form = IdentityProviderForm
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

    def get_fieldsets(self, request, obj=None):
        # Who may only look sees whether a secret is set, never the secret.
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None and self.has_add_permission(request):
            return fieldsets
        if obj is not None and self.has_change_permission(request, obj):
            return fieldsets
        return [
            (
                title,
                {
                    **options,
                    "fields": [
                        "secret_set" if name == "client_secret" else name
                        for name in options["fields"]
                    ],
                },
            )
            for title, options in fieldsets
        ]

    @admin.display(description=_("client secret"))
    def secret_set(self, obj) -> str:
        return _("set") if obj and obj.client_secret else _("not set")


@admin.register(Verification)
class VerificationAdmin(ShownNotSaved, AuditedAdmin):
    delete_service = configuration.delete_verification
    noun = "verification"
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
        *(
            field.name
            for field in Verification._meta.fields
            if field.name not in ("verified_claims", "subject")
        ),
        "claims_shown",
        "rebind_link",
    ]

    @admin.display(description=_("verified claims"))
    def claims_shown(self, obj) -> str:
        shown = copy.deepcopy(obj.verified_claims)
        if obj.phone_number:
            shown["claims"]["phone_number"] = obj.phone_number_masked
        return json.dumps(shown, ensure_ascii=False, indent=2)

    @admin.display(description=_("another person's entry?"))
    def rebind_link(self, obj) -> str:
        if not obj.subject or obj.revoked_at is not None:
            return "—"
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:identity_verification_rebind", args=[obj.pk]),
            _("Move it to the account of the person it belongs to"),
        )

    def has_add_permission(self, request):
        return False

    def get_urls(self):
        return [
            path(
                "<int:pk>/rebind/",
                self.admin_site.admin_view(self.rebind_view),
                name="identity_verification_rebind",
            ),
            *super().get_urls(),
        ]

    def rebind_view(self, request, pk: int):
        """A census entry or provider account taken by the wrong account goes to its owner."""
        if not request.user.has_perm("identity.rebind"):
            raise PermissionDenied
        verification = get_object_or_404(Verification.objects.select_related("user"), pk=pk)
        form = RebindForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                moved = rebind_verification(
                    verification=verification,
                    to_user=form.cleaned_data["email"],
                    operator=request.user,
                    reason=form.cleaned_data["reason"],
                )
            except ValidationError as error:
                for message in error.messages:
                    form.add_error(None, message)
            else:
                self.message_user(
                    request,
                    _("The verification is moved to %(account)s.") % {"account": moved.user},
                    messages.SUCCESS,
                )
                return redirect("admin:identity_verification_change", moved.pk)
        return TemplateResponse(
            request,
            "admin/identity/verification_rebind.html",
            {
                **self.admin_site.each_context(request),
                "form": form,
                "verification": verification,
                "title": _("Move a verification to another account"),
                "opts": self.model._meta,
            },
        )


@admin.register(CensusImport)
class CensusImportAdmin(AuditedAdmin):
    save_service = configuration.change_census_validity
    delete_service = configuration.delete_census_import
    noun = "census"
    list_display = ["file_name", "territory", "row_count", "created_at", "valid_until"]
    readonly_fields = ["territory", "uploaded_by", "file_name", "row_count", "created_at"]

    def get_readonly_fields(self, request, obj=None):
        # The last day of validity decides who a list verifies: those who may upload lists set it.
        fields = super().get_readonly_fields(request, obj)
        if request.user.has_perm("identity.upload_census"):
            return fields
        return [*fields, "valid_until"]

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

    def has_add_permission(self, request):
        return request.user.has_perm("identity.upload_census")

    def upload_view(self, request):
        # Census lists decide who may sign and take part: a staff flag alone uploads none.
        if not request.user.has_perm("identity.upload_census"):
            raise PermissionDenied
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
class PropertyClaimAdmin(ShownNotSaved, AuditedAdmin):
    delete_service = configuration.delete_property_claim
    noun = "claim"
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

    def has_add_permission(self, request):
        # Residents declare property on their verification page; here every field is read-only,
        # so an "add" form could only save an empty declaration.
        return False

    @admin.action(description=_("Accept the selected declarations"), permissions=["change"])
    def accept(self, request, queryset):
        for claim in queryset:
            try:
                review_property_claim(claim=claim, reviewer=request.user, accept=True)
            except (ValidationError, PermissionDenied) as error:
                reason = " ".join(getattr(error, "messages", None) or [str(error)])
                self.message_user(request, f"{claim}: {reason}", messages.WARNING)


@admin.register(EligibilityRule)
class EligibilityRuleAdmin(AuditedAdmin):
    save_service = configuration.save_eligibility_rule
    delete_service = configuration.delete_eligibility_rule
    noun = "rule"
    recorded_as = "eligibility_rule"
    list_display = ["action", "content_type", "object_id", "min_level", "min_age", "owners_qualify"]
    filter_horizontal = ["territories"]
