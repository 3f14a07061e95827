"""Routing and delivery of appeals in the admin, so that operators need no shell: categories,
responsibilities with a "who answers X in Y" preview, appeal policies, and dispatches with their
letter's state, attempts and last error, a resend and a change of recipient with a reason.

Each page is guarded by the Django model permission of its model (granted by an administrator;
the admin itself lets in staff only), and every change goes through `veche.appeals.operators`,
which asks the permission again and writes the audit row.
"""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from veche.appeals import operators
from veche.appeals.models import AppealPolicy, Category, Dispatch, Problem, Responsibility
from veche.appeals.routing import explain
from veche.core.audited import AuditedAdmin, ShownNotSaved
from veche.core.forms import SingleLineTranslationsField
from veche.core.models import OutboxMessage
from veche.territories.models import Territory

# --- Audited changes -------------------------------------------------------------------------


@admin.register(Category)
class CategoryAdmin(AuditedAdmin):
    save_service = operators.save_category
    delete_service = operators.delete_category
    noun = "category"
    list_display = ["slug", "title", "position", "responsibility_count", "problem_count"]
    search_fields = ["slug", "name"]
    ordering = ["position", "slug"]

    def get_queryset(self, request):
        problems = (
            Problem.objects.filter(category=OuterRef("pk"))
            .values("category")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return (
            super()
            .get_queryset(request)
            .annotate(
                responsibility_count=Count("responsibilities"),
                problem_count=Coalesce(Subquery(problems), 0),
            )
        )

    @admin.display(description=_("responsibilities"), ordering="responsibility_count")
    def responsibility_count(self, category) -> int:
        return category.responsibility_count

    @admin.display(description=_("problems"), ordering="problem_count")
    def problem_count(self, category) -> int:
        return category.problem_count

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "name":
            kwargs["form_class"] = SingleLineTranslationsField
        return super().formfield_for_dbfield(db_field, request, **kwargs)


# --- Responsibilities and "who answers" ------------------------------------------------------


class TerritoryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, territory) -> str:
        return "\u00a0\u00a0" * max(territory.depth, 0) + territory.title


class WhoAnswersForm(forms.Form):
    category = forms.ModelChoiceField(
        Category.objects.all(), to_field_name="slug", label=_("Category")
    )
    territory = TerritoryChoiceField(
        Territory.objects.order_by("path"), to_field_name="code", label=_("Territory")
    )


@admin.register(Responsibility)
class ResponsibilityAdmin(AuditedAdmin):
    save_service = operators.save_responsibility
    delete_service = operators.delete_responsibility
    noun = "responsibility"
    list_display = ["category", "territory", "organization"]
    list_filter = [
        "category",
        ("organization", admin.RelatedOnlyFieldListFilter),
        ("territory", admin.RelatedOnlyFieldListFilter),
    ]
    list_select_related = ["category", "territory", "organization"]
    autocomplete_fields = ["organization", "territory", "category"]
    search_fields = [
        "organization__slug",
        "organization__name",
        "territory__code",
        "category__slug",
    ]
    change_list_template = "admin/appeals/responsibility/change_list.html"

    def get_urls(self):
        return [
            path(
                "who-answers/",
                self.admin_site.admin_view(self.who_answers_view),
                name="appeals_responsibility_who_answers",
            ),
            *super().get_urls(),
        ]

    def who_answers_view(self, request):
        """Which organization a problem of a category in a territory is addressed to, and why:
        every declaration and jurisdiction on the way up the territory tree."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        form = WhoAnswersForm(request.GET or None)
        found = explain(**form.cleaned_data) if form.is_valid() else None
        return TemplateResponse(
            request,
            "admin/appeals/responsibility/who_answers.html",
            {
                **self.admin_site.each_context(request),
                "form": form,
                "route": found,
                "choice": form.cleaned_data if found else None,
                "may_add": self.has_add_permission(request),
                "title": _("Who answers for a category in a territory"),
                "opts": self.model._meta,
            },
        )


# --- Appeal policies -----------------------------------------------------------------------

POLICY_DEFAULTS = {
    "signature_threshold": "VECHE_SIGNATURE_THRESHOLD",
    "answer_days": "VECHE_ANSWER_DAYS",
    "extension_days": "VECHE_EXTENSION_DAYS",
    "rating_days": "VECHE_RATING_DAYS",
    "forwarding_days": "VECHE_FORWARDING_DAYS",
}


@admin.register(AppealPolicy)
class AppealPolicyAdmin(AuditedAdmin):
    save_service = operators.save_appeal_policy
    delete_service = operators.delete_appeal_policy
    noun = "policy"
    list_display = ["organization", "threshold", "answer", "extension", "rating", "forwarding"]
    list_select_related = ["organization"]
    autocomplete_fields = ["organization"]
    search_fields = ["organization__slug", "organization__name"]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name in POLICY_DEFAULTS:
            default = getattr(settings, POLICY_DEFAULTS[db_field.name])
            field.help_text = _("Empty: the site's default, %(default)s.") % {"default": default}
        return field

    def _effective(self, policy, name: str):
        """The organization's own value, or the site's default it falls back to (as
        `veche.appeals.policy.policy_for` reads it)."""
        if own := getattr(policy, name):
            return own
        default = getattr(settings, POLICY_DEFAULTS[name])
        return format_html('{} <span class="quiet">({})</span>', default, _("default"))

    @admin.display(description=_("signatures needed"))
    def threshold(self, policy):
        return self._effective(policy, "signature_threshold")

    @admin.display(description=_("days to answer"))
    def answer(self, policy):
        return self._effective(policy, "answer_days")

    @admin.display(description=_("days of extension"))
    def extension(self, policy):
        return self._effective(policy, "extension_days")

    @admin.display(description=_("days to rate"))
    def rating(self, policy):
        return self._effective(policy, "rating_days")

    @admin.display(description=_("days to forward"))
    def forwarding(self, policy):
        return self._effective(policy, "forwarding_days")


# --- Dispatches -------------------------------------------------------------------------------


class LetterStateFilter(admin.SimpleListFilter):
    title = _("state")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return OutboxMessage.State.choices

    def queryset(self, request, queryset):
        if self.value() in OutboxMessage.State.values:
            return queryset.filter(letter_state=self.value())
        return queryset


class ResendForm(forms.Form):
    reason = forms.CharField(
        label=_("Why (optional)"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("E.g. “The organization says the letter never came.”"),
    )
    # How the letter stood when the page was made (`operators.letter_seen`): the resend is
    # refused if another operator's act or a worker changed it meanwhile.
    seen = forms.CharField(widget=forms.HiddenInput, max_length=64)


class RecipientForm(forms.Form):
    recipient = forms.EmailField(label=_("New address"), max_length=254)
    reason = forms.CharField(
        label=_("Why"),
        min_length=operators.MIN_REASON_LENGTH,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Kept in the audit log, e.g. “The mailbox was closed; the new one is on the "
            "organization's site.”"
        ),
    )
    for_future = forms.BooleanField(
        label=_("Also send this organization's future appeals to this address"),
        required=False,
    )
    seen = forms.CharField(widget=forms.HiddenInput, max_length=64)  # as on ResendForm

    def __init__(self, *args, may_change_organization: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not may_change_organization:
            del self.fields["for_future"]


@admin.register(Dispatch)
class DispatchAdmin(ShownNotSaved, admin.ModelAdmin):
    # The page of one dispatch is a view with two acts (resend, change the recipient), which
    # ask the permission themselves.
    list_display = ["id", "appeal_link", "organization", "recipient", "state", "attempts",
                    "next_attempt", "short_error", "created_at"]  # fmt: skip
    list_filter = [LetterStateFilter, ("organization", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["recipient", "=appeal__id", "appeal__problem__title"]
    date_hierarchy = "created_at"
    actions = ["resend"]
    fields = readonly_fields = ["appeal_link", "organization", "recipient", "revision",
                                "created_at", "state", "attempts", "next_attempt", "sent_at",
                                "last_error"]  # fmt: skip
    change_form_template = "admin/appeals/dispatch/change_form.html"

    def get_queryset(self, request):
        return operators.dispatches_for_operators()

    def has_add_permission(self, request) -> bool:
        return False  # a dispatch is made by sending an appeal

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # what was sent where stays on record

    @admin.display(description=_("appeal"), ordering="appeal_id")
    def appeal_link(self, dispatch):
        return format_html(
            '<a href="{}">№ {} — {}</a>',
            dispatch.appeal.get_absolute_url(),
            dispatch.appeal_id,
            dispatch.appeal.problem.title,
        )

    @admin.display(description=_("state"), ordering="letter_state")
    def state(self, dispatch):
        return OutboxMessage.State(dispatch.letter_state or "pending").label

    @admin.display(description=_("attempts"), ordering="letter_attempts")
    def attempts(self, dispatch):
        return dispatch.letter_attempts or 0

    @admin.display(description=_("next attempt"), ordering="letter_next_attempt")
    def next_attempt(self, dispatch):
        if dispatch.letter_state not in ("pending", "failed"):
            return "—"
        return dispatch.letter_next_attempt

    @admin.display(description=_("sent"))
    def sent_at(self, dispatch):
        return dispatch.letter_sent_at or "—"

    @admin.display(description=_("last error"))
    def last_error(self, dispatch):
        return dispatch.letter_error or "—"

    @admin.display(description=_("last error"))
    def short_error(self, dispatch):
        return (dispatch.letter_error or "")[:120]

    @admin.action(description=_("Send again"), permissions=["change"])
    def resend(self, request, queryset) -> None:
        """Send again the letters that failed, were given up or still wait; a letter already
        delivered is skipped, and the operator is told how many were. Operators tick whole pages
        of stuck dispatches at once, and a second copy of a delivered appeal in an
        organization's mailbox is no retry but a new letter: that is sent from the dispatch's
        own page, one at a time, with the reason on record. Each letter's state is asked again
        under its lock, so one delivered while the action ran is not sent twice either."""
        count = skipped = 0
        for dispatch in queryset:
            if dispatch.letter_state == OutboxMessage.State.SENT:
                skipped += 1
                continue
            try:
                operators.resend_dispatch(
                    actor=request.user, dispatch=dispatch, seen=operators.letter_seen(dispatch)
                )
            except ValidationError as error:
                self.message_user(request, f"{dispatch}: {error.messages[0]}", messages.WARNING)
            else:
                count += 1
        if skipped:
            text = ngettext(
                "%(count)d appeal was delivered already and is not sent again: send it again "
                "from its own page if it never arrived.",
                "%(count)d appeals were delivered already and are not sent again: send each "
                "again from its own page if it never arrived.",
                skipped,
            )
            self.message_user(request, text % {"count": skipped}, messages.WARNING)
        if count:
            text = ngettext(
                "%(count)d appeal will be sent again.",
                "%(count)d appeals will be sent again.",
                count,
            )
            self.message_user(request, text % {"count": count}, messages.SUCCESS)

    # -- The page of one dispatch and its two acts --

    def may_act(self, request) -> bool:
        return super().has_change_permission(request)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        dispatch = self.get_object(request, object_id)
        extra = {
            "may_act": self.may_act(request),
            "history": operators.dispatch_history(dispatch) if dispatch else [],
        }
        return super().change_view(request, object_id, form_url, extra | (extra_context or {}))

    def get_urls(self):
        return [
            path(
                "<int:pk>/resend/",
                self.admin_site.admin_view(self.resend_view),
                name="appeals_dispatch_resend",
            ),
            path(
                "<int:pk>/recipient/",
                self.admin_site.admin_view(self.recipient_view),
                name="appeals_dispatch_recipient",
            ),
            *super().get_urls(),
        ]

    def _act_page(self, request, dispatch, form, *, template: str, title):
        return TemplateResponse(
            request,
            f"admin/appeals/dispatch/{template}",
            {
                **self.admin_site.each_context(request),
                "form": form,
                "dispatch": dispatch,
                "title": title,
                "opts": self.model._meta,
                "original": dispatch,
            },
        )

    def resend_view(self, request, pk: int):
        if not self.may_act(request):
            raise PermissionDenied
        dispatch = get_object_or_404(self.get_queryset(request), pk=pk)
        seen = operators.letter_seen(dispatch)
        form = ResendForm(request.POST or None, initial={"seen": seen})
        if request.method == "POST" and form.is_valid():
            try:
                operators.resend_dispatch(
                    actor=request.user,
                    dispatch=dispatch,
                    reason=form.cleaned_data["reason"],
                    seen=form.cleaned_data["seen"],
                )
            except ValidationError as error:
                # The page shows the letter as it stands now: sending again from it acts on that.
                data = request.POST.copy()
                data["seen"] = seen
                form = ResendForm(data)
                for message in error.messages:
                    form.add_error(None, message)
            else:
                self.message_user(
                    request,
                    _("The appeal will be sent again to %(recipient)s.")
                    % {"recipient": dispatch.recipient},
                    messages.SUCCESS,
                )
                return redirect("admin:appeals_dispatch_change", dispatch.pk)
        return self._act_page(
            request, dispatch, form, template="resend.html", title=_("Send the appeal again")
        )

    def recipient_view(self, request, pk: int):
        if not self.may_act(request):
            raise PermissionDenied
        dispatch = get_object_or_404(self.get_queryset(request), pk=pk)
        seen = operators.letter_seen(dispatch)
        may_change_organization = request.user.has_perm("organizations.change_organization")
        form = RecipientForm(
            request.POST or None,
            initial={"seen": seen},
            may_change_organization=may_change_organization,
        )
        if request.method == "POST" and form.is_valid():
            try:
                changed = operators.change_dispatch_recipient(
                    actor=request.user,
                    dispatch=dispatch,
                    recipient=form.cleaned_data["recipient"],
                    reason=form.cleaned_data["reason"],
                    for_future=form.cleaned_data.get("for_future", False),
                    seen=form.cleaned_data["seen"],
                )
            except ValidationError as error:
                # The page shows the letter as it stands now: the next try acts on that.
                data = request.POST.copy()
                data["seen"] = seen
                form = RecipientForm(data, may_change_organization=may_change_organization)
                for message in error.messages:
                    form.add_error(None, message)
            else:
                self.message_user(
                    request,
                    _("The appeal will be sent to %(recipient)s.")
                    % {"recipient": changed.recipient},
                    messages.SUCCESS,
                )
                return redirect("admin:appeals_dispatch_change", dispatch.pk)
        return self._act_page(
            request,
            dispatch,
            form,
            template="recipient.html",
            title=_("Send the appeal to another address"),
        )
