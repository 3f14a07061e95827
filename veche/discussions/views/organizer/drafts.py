"""The organizer's discussions: the dashboard, a draft and its documents, publishing, moving a
date with a public reason, cancelling."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from veche.core.forms import parse_id
from veche.discussions import queries as public_queries
from veche.discussions import queries_organizer as queries
from veche.discussions import services
from veche.discussions.forms_organizer import (
    DiscussionForm,
    MaterialExpertsForm,
    MaterialForm,
    MaterialVersionForm,
    MoveDateForm,
    PublishForm,
    ReasonForm,
    suggested_schedule,
)
from veche.discussions.models import Application, Discussion, Stage
from veche.discussions.schedule import dates_of, schedule_warnings
from veche.discussions.views.organizer._common import (
    cabinet_bar,
    page,
    posted,
    put_errors,
    refused_status,
)
from veche.organizations.models import Organization

# --- My discussions ---------------------------------------------------------------------------


@login_required
def dashboard(request):
    if not request.user.has_perm("discussions.organize"):
        raise PermissionDenied
    return render(
        request,
        "discussions/organizer/dashboard.html",
        {"dashboard": queries.organizer_dashboard(request.user), **cabinet_bar(request.user)},
    )


# --- Putting a project forward ----------------------------------------------------------------


def _discussion_form(request, *, organizations, experts_also=(), warnings=(), **kwargs):
    return DiscussionForm(
        request.POST if request.method == "POST" else None,
        organizations=organizations,
        expert_candidates=queries.expert_candidates(organizations, also=experts_also),
        warnings=warnings,
        **kwargs,
    )


def _accepted_application(request, organizations) -> Application | None:
    pk = request.GET.get("application") or request.POST.get("application")
    if not pk:
        return None
    application = get_object_or_404(
        Application.objects.select_related("territory", "organization"),
        pk=parse_id(pk) or 0,
        organization__in=organizations,
        status=Application.Status.ACCEPTED,
        discussion__isnull=True,
    )
    return application


@login_required
def create(request):
    organizations = queries.organizer_organizations(request.user)
    if not organizations.exists():
        raise PermissionDenied
    application = _accepted_application(request, organizations)
    initial = suggested_schedule(timezone.localdate())
    if application is not None:
        organizations = organizations.filter(pk=application.organization_id)
        initial |= {
            "subject": application.subject,
            "title": application.title,
            "description": application.description,
            "territory": application.territory_id,
        }
    initial["organizer"] = organizations.first()
    form = _discussion_form(request, organizations=organizations, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            discussion = services.create_discussion(
                user=request.user,
                organizer=form.cleaned_data["organizer"],
                fields=form.discussion_fields(),
                eligibility=form.eligibility(),
                experts=form.chosen_experts(),
                application=application,
                accept_warnings=form.cleaned_data["accept_warnings"],
            )
        except services.ScheduleWarnings as error:
            form = _discussion_form(
                request, organizations=organizations, warnings=error.warnings, initial=initial
            )
            form.is_valid()
        except ValidationError as error:
            put_errors(form, error)
        else:
            messages.success(
                request, _("The draft is saved. Add the project's documents, then publish it.")
            )
            return redirect("discussions:materials", discussion.pk)
    return render(
        request,
        "discussions/organizer/discussion_form.html",
        {
            "form": form,
            "application": application,
            "creating": True,
            "is_organizer": True,
            **cabinet_bar(request.user),
        },
        status=refused_status(request),
    )


@login_required
def edit(request, pk: int):
    discussion = queries.organized_discussion(request.user, pk)
    if discussion.status != Discussion.Status.DRAFT:
        messages.info(
            request,
            _("A published discussion keeps its terms; move a date with a public reason instead."),
        )
        return redirect("discussions:move_date", discussion.pk)
    organizations = Organization.objects.filter(pk=discussion.organizer_id)
    experts = list(discussion.experts.all())
    initial = DiscussionForm.initial_from(discussion, public_queries.eligibility_of(discussion))
    form = _discussion_form(
        request, organizations=organizations, experts_also=experts, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_draft(
                user=request.user,
                discussion=discussion,
                fields=form.discussion_fields(),
                eligibility=form.eligibility(),
                experts=form.chosen_experts(),
                accept_warnings=form.cleaned_data["accept_warnings"],
            )
        except services.ScheduleWarnings as error:
            form = _discussion_form(
                request,
                organizations=organizations,
                experts_also=experts,
                warnings=error.warnings,
                initial=initial,
            )
            form.is_valid()
        except ValidationError as error:
            put_errors(form, error)
        else:
            messages.success(request, _("The draft is saved."))
            return redirect("discussions:edit", discussion.pk)
    return page(
        request,
        "discussions/organizer/discussion_form.html",
        discussion,
        "edit",
        {"form": form},
        status=refused_status(request),
    )


# --- Materials --------------------------------------------------------------------------------


def _materials_page(
    request, discussion, *, form=None, version_form=None, experts_form=None, status=200
):
    materials = queries.materials_with_versions(discussion)
    editable = not discussion.protocol_signed_at and discussion.stage != Stage.CANCELLED
    version_forms = {
        material.pk: (
            version_form
            if version_form is not None and version_form.material.pk == material.pk
            else MaterialVersionForm(material=material)
        )
        for material in materials
    }
    candidates = discussion.experts.order_by("email")
    has_experts = editable and candidates.exists()
    experts_forms = {
        material.pk: (
            experts_form
            if experts_form is not None and experts_form.material.pk == material.pk
            else MaterialExpertsForm(material=material, candidates=candidates)
        )
        if has_experts
        else None
        for material in materials
    }
    return page(
        request,
        "discussions/organizer/materials.html",
        discussion,
        "materials",
        {
            "materials": [
                (material, version_forms[material.pk], experts_forms[material.pk])
                for material in materials
            ],
            "form": form or MaterialForm(),
            "editable": editable,
        },
        status=status,
    )


@login_required
def materials(request, pk: int):
    discussion = queries.organized_discussion(request.user, pk)
    return _materials_page(request, discussion)


@login_required
@require_POST
def add_material(request, pk: int):
    discussion = queries.organized_discussion(request.user, pk)
    form = MaterialForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.add_material(
                user=request.user,
                discussion=discussion,
                title=form.cleaned_data["title"],
                upload=form.cleaned_data["file"],
            )
        except ValidationError as error:
            put_errors(form, error, default_field="file")
        else:
            messages.success(request, _("The document is added."))
            return redirect("discussions:materials", discussion.pk)
    return _materials_page(request, discussion, form=form, status=400)


@login_required
@require_POST
def add_material_version(request, pk: int):
    material = queries.organized_material(request.user, pk)
    discussion = material.discussion
    form = MaterialVersionForm(request.POST, request.FILES, material=material)
    if form.is_valid():
        try:
            version = services.add_material_version(
                user=request.user,
                material=material,
                upload=form.cleaned_data["file"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            put_errors(form, error, default_field="file")
        else:
            messages.success(
                request,
                _("Version %(number)s of “%(title)s” is added; the earlier ones stay available.")
                % {"number": version.number, "title": material.title},
            )
            return redirect(reverse("discussions:materials", args=[discussion.pk]))
    return _materials_page(request, discussion, version_form=form, status=400)


@login_required
@require_POST
def material_experts(request, pk: int):
    """Which of the discussion's experts answer the questions about one document."""
    material = queries.organized_material(request.user, pk)
    discussion = material.discussion
    form = MaterialExpertsForm(
        request.POST, material=material, candidates=discussion.experts.order_by("email")
    )
    if form.is_valid():
        try:
            services.assign_material_experts(
                user=request.user, material=material, experts=form.cleaned_data["experts"]
            )
        except ValidationError as error:
            put_errors(form, error, default_field="experts")
        else:
            messages.success(
                request,
                _("The experts who answer for “%(title)s” are saved.") % {"title": material.title},
            )
            return redirect(reverse("discussions:materials", args=[discussion.pk]))
    return _materials_page(request, discussion, experts_form=form, status=400)


# --- Publishing, the schedule, cancelling -----------------------------------------------------


@login_required
def publish(request, pk: int):
    discussion = queries.organized_discussion(request.user, pk)
    if discussion.status != Discussion.Status.DRAFT:
        return redirect(discussion.get_absolute_url())
    warnings = schedule_warnings(dates_of(discussion))
    form = PublishForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.publish_discussion(
                user=request.user,
                discussion=discussion,
                accept_warnings=form.cleaned_data["accept_warnings"],
            )
        except services.ScheduleWarnings as error:
            warnings = error.warnings
            form.add_error("accept_warnings", _("Confirm that you publish the schedule knowingly."))
        except ValidationError as error:
            put_errors(form, error)
        else:
            messages.success(
                request,
                _("The discussion is published; its notice comes out on %(date)s.")
                % {"date": discussion.notice_date.isoformat()},
            )
            return redirect(discussion.get_absolute_url())
    return page(
        request,
        "discussions/organizer/publish.html",
        discussion,
        "publish",
        {
            "form": form,
            "warnings": warnings,
            "has_materials": discussion.materials.filter(versions__isnull=False).exists(),
            "notice_passed": discussion.local_date() > discussion.notice_date,
        },
        status=refused_status(request),
    )


def _onto_the_form(error: ValidationError, field: str) -> ValidationError:
    """The service names the date it refuses; on the form, the new value is in "day" (or
    "meeting_at"), and other dates it moved along are named in the message itself."""
    if not hasattr(error, "error_dict"):
        return error
    target = "meeting_at" if field == "meeting_at" else "day"
    errors: dict[str, list] = {}
    for name, messages_ in error.error_dict.items():
        key = target if name == field else name
        errors.setdefault(key, []).extend(messages_)
    return ValidationError(errors)


@login_required
def move_date(request, pk: int):
    discussion = queries.organized_discussion(request.user, pk)
    form = MoveDateForm(posted(request), discussion=discussion)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            changes = services.move_dates(
                user=request.user,
                discussion=discussion,
                values=form.values(),
                reason=data["reason"],
                accept_warnings=data["accept_warnings"],
            )
        except services.ScheduleWarnings as error:
            form = MoveDateForm(request.POST, discussion=discussion, warnings=error.warnings)
            form.is_valid()
        except ValidationError as error:
            put_errors(form, _onto_the_form(error, data["field"]))
        else:
            messages.success(
                request,
                ngettext(
                    "The date is moved; the reason is published with it.",
                    "%(count)s dates are moved; the reason is published with them.",
                    len(changes),
                )
                % {"count": len(changes)},
            )
            return redirect("discussions:move_date", discussion.pk)
    discussion.refresh_from_db()
    return page(
        request,
        "discussions/organizer/schedule.html",
        discussion,
        "move_date",
        {
            "form": form,
            "cancel_form": ReasonForm(),
            "changes": discussion.schedule_changes.select_related("changed_by"),
            "may_move": discussion.status == Discussion.Status.PUBLISHED
            and not discussion.protocol_signed_at,
            "may_cancel": discussion.status != Discussion.Status.CANCELLED
            and not discussion.conclusion_published_at,
        },
        status=refused_status(request),
    )


@login_required
def cancel(request, pk: int):
    discussion = queries.organized_discussion(request.user, pk)
    form = ReasonForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.cancel_discussion(
                user=request.user, discussion=discussion, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            put_errors(form, error)
        else:
            messages.success(request, _("The discussion is cancelled; its followers are told."))
            return redirect(discussion.get_absolute_url())
    return page(
        request,
        "discussions/organizer/cancel.html",
        discussion,
        "move_date",
        {"form": form},
        status=refused_status(request),
    )


patterns = [
    path("organizer/", dashboard, name="organizer"),
    path("organizer/new/", create, name="create"),
    path("<int:pk>/edit/", edit, name="edit"),
    path("<int:pk>/materials/", materials, name="materials"),
    path("<int:pk>/materials/add/", add_material, name="add_material"),
    path("materials/<int:pk>/versions/add/", add_material_version, name="add_material_version"),
    path("materials/<int:pk>/experts/", material_experts, name="material_experts"),
    path("<int:pk>/publish/", publish, name="publish"),
    path("<int:pk>/schedule/", move_date, name="move_date"),
    path("<int:pk>/cancel/", cancel, name="cancel"),
]
