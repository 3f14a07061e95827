"""Taking up a problem publicly: an organization's staff writes its letter, previews it on the
letterhead and sends it; anyone reads the letter as a PDF."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from veche.appeals import documents, queries, services
from veche.appeals.forms import TakeUpForm

from .files import _pdf


@login_required
@require_http_methods(["GET", "POST"])
def take_up(request, pk: int):
    """The letter's form; "Preview" shows the letter as it will be sent, "Send" sends it."""
    problem = queries.problem_for_page(pk)
    if not request.user.has_perm("appeals.take_up_problem", problem):
        raise PermissionDenied
    choices = queries.take_up_choices(request.user, problem)
    form = TakeUpForm(choices, request.POST or None)
    preview = None
    if form.is_bound and form.is_valid():
        organization, text = form.cleaned_data["organization"], form.cleaned_data["text"]
        if request.POST.get("step") == "send":
            try:
                services.take_up_problem(
                    official=request.user, problem=problem, organization=organization, text=text
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request,
                    _("The letter of %(organization)s is sent to %(addressee)s.")
                    % {
                        "organization": organization.title,
                        "addressee": problem.current_appeal.organization.title,
                    },
                )
                return redirect(reverse("appeals:problem", args=[problem.pk]) + "#taken-up")
        else:
            try:
                draft = services.draft_take_up(
                    official=request.user, problem=problem, organization=organization, text=text
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                preview = documents.take_up_context(draft)
    return render(
        request,
        "appeals/take_up.html",
        {
            "problem": problem,
            "appeal": problem.current_appeal,
            "form": form,
            "taken": [organization for organization in choices if organization.taken],
            "open_choices": any(not organization.taken for organization in choices),
            "preview": preview,
        },
    )


@require_GET
def take_up_document(request, take_up_id: int):
    """The letter as its verifiable PDF: public, like the problem it supports."""
    take_up = queries.public_take_up(take_up_id)
    return _pdf(documents.take_up_letter(take_up).pdf, f"take-up-{take_up.pk}.pdf")
