"""Applications for a discussion: a landowner or developer (a verified legal entity) files one
and follows its status; the organizers of the authority asked accept or refuse it with a reason,
and prepare the discussion from an accepted one (see drafts.create)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from veche.core.files import serve_file
from veche.discussions import queries as public_queries
from veche.discussions import queries_organizer as queries
from veche.discussions import services
from veche.discussions.forms_organizer import ApplicationForm, DecisionForm
from veche.discussions.models import Application
from veche.discussions.views.organizer._common import (
    cabinet_bar,
    posted,
    put_errors,
    refused_status,
)

# --- Applications of landowners and developers ------------------------------------------------


@login_required
def apply(request):
    try:
        entity = public_queries.identification_of(request.user, as_legal_entity=True)
    except ValidationError as error:
        return render(
            request, "discussions/organizer/apply.html", {"refusal": error.messages}, status=403
        )
    form = ApplicationForm(posted(request), request.FILES if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.apply_for_discussion(
                user=request.user,
                organization=data["organization"],
                subject=data["subject"],
                title=data["title"],
                description=data["description"],
                territory=data["territory"],
                document=data["document"],
            )
        except ValidationError as error:
            put_errors(form, error, default_field="document")
        else:
            messages.success(
                request, _("The application is filed; you will hear of the authority's decision.")
            )
            return redirect("discussions:my_applications")
    return render(
        request,
        "discussions/organizer/apply.html",
        {"form": form, "entity": entity},
        status=refused_status(request),
    )


@login_required
def my_applications(request):
    return render(
        request,
        "discussions/organizer/my_applications.html",
        {"applications": queries.my_applications(request.user)},
    )


def _applications_page(request, *, bound=None, status=200):
    groups = queries.applications_for_organizer(request.user)
    pending = [
        (
            application,
            bound
            if bound is not None and bound.application.pk == application.pk
            else DecisionForm(application=application),
        )
        for application in groups["pending"]
    ]
    return render(
        request,
        "discussions/organizer/applications.html",
        {
            "pending": pending,
            "decided": groups["decided"],
            "is_organizer": True,
            **cabinet_bar(request.user),
        },
        status=status,
    )


@login_required
def applications(request):
    if not request.user.has_perm("discussions.organize"):
        raise PermissionDenied
    return _applications_page(request)


@login_required
@require_POST
def decide_application(request, pk: int):
    application = queries.decidable_application(request.user, pk)
    form = DecisionForm(request.POST, application=application)
    if form.is_valid():
        try:
            services.decide_application(
                user=request.user,
                application=application,
                accept=form.cleaned_data["decision"] == "accept",
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            put_errors(form, error)
        else:
            messages.success(request, _("The decision is made; the applicant is told."))
            return redirect("discussions:applications")
    if application.status != Application.Status.PENDING:
        # A decided application has no form any more: say why on top of the page instead.
        for message in form.non_field_errors():
            messages.error(request, message)
    return _applications_page(request, bound=form, status=400)


@login_required
def application_document(request, pk: int):
    application = queries.application_for(request.user, pk)
    # The applicant's project is not public: no cache keeps it (serve_file), never /media/.
    response = serve_file(
        application.document, filename=f"application-{application.pk}.pdf", public=False
    )
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    return response


patterns = [
    path("applications/", applications, name="applications"),
    path("applications/new/", apply, name="apply"),
    path("applications/mine/", my_applications, name="my_applications"),
    path("applications/<int:pk>/decide/", decide_application, name="decide_application"),
    path("applications/<int:pk>/document/", application_document, name="application_document"),
]
