"""Comments, following, sending, rating, closing and escalating."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from veche.appeals import queries, services
from veche.appeals.forms import (
    CloseForm,
    CommentForm,
    EscalateForm,
    RatingForm,
)

from ._common import _act
from .problem_page import _appeal


@login_required
@require_POST
def comment(request, pk: int):
    problem = queries.problem_for_page(pk)
    form = CommentForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write a comment of at most 5000 characters."))
        return redirect(problem.get_absolute_url())
    parent = None
    if form.cleaned_data.get("parent"):
        parent = problem.comments.filter(pk=form.cleaned_data["parent"]).first()
    return _act(
        request,
        problem,
        lambda: services.add_comment(
            author=request.user, problem=problem, text=form.cleaned_data["text"], parent=parent
        ),
        _("Your comment is published."),
    )


@login_required
@require_POST
def follow(request, pk: int):
    problem = queries.problem_for_page(pk)
    on = request.POST.get("follow") == "on"
    return _act(
        request,
        problem,
        lambda: services.set_following(user=request.user, problem=problem, follow=on),
        _("You follow this problem.") if on else _("You no longer follow this problem."),
    )


@login_required
@require_POST
def send_now(request, pk: int):
    problem, appeal = _appeal(pk)
    return _act(
        request,
        problem,
        lambda: services.send_appeal_now(author=request.user, appeal=appeal),
        _("The appeal is being sent to the organization."),
    )


@login_required
@require_POST
def sent_by_myself(request, pk: int):
    """The author will send the appeal himself: only once he has read what the full copy holds."""
    problem, appeal = _appeal(pk)
    if request.POST.get("understood") != "on":
        messages.error(
            request,
            _(
                "Confirm that you will give the copy with the co-applicants' names and addresses "
                "only to the addressee."
            ),
        )
        return redirect(problem.get_absolute_url())
    return _act(
        request,
        problem,
        lambda: services.record_sent_by_author(author=request.user, appeal=appeal),
        _(
            "Noted: you send the appeal yourself. Download the addressee's copy and give it only "
            "to the addressee."
        ),
    )


@login_required
@require_POST
def rate(request, pk: int):
    problem, appeal = _appeal(pk)
    form = RatingForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a rating from 1 to 5."))
        return redirect(problem.get_absolute_url())
    # An earlier appeal's answer stays rated through its window after an escalation.
    rated = problem.appeals.filter(pk=form.cleaned_data["appeal"]).first() or appeal
    return _act(
        request,
        problem,
        lambda: services.rate_answer(
            user=request.user,
            appeal=rated,
            score=form.cleaned_data["score"],
            comment=form.cleaned_data["comment"],
        ),
        _("Thank you for rating the answer."),
    )


@login_required
@require_POST
def close(request, pk: int):
    problem, appeal = _appeal(pk)
    form = CloseForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose how the problem ended."))
        return redirect(problem.get_absolute_url())
    return _act(
        request,
        problem,
        lambda: services.close_appeal(
            author=request.user, appeal=appeal, outcome=form.cleaned_data["outcome"]
        ),
        _("The appeal is closed. Signatories can still rate the answer while the rating is open."),
    )


@login_required
@require_POST
def escalate(request, pk: int):
    problem, appeal = _appeal(pk)
    form = EscalateForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose the organization."))
        return redirect(problem.get_absolute_url())
    return _act(
        request,
        problem,
        lambda: services.escalate_appeal(
            author=request.user, appeal=appeal, organization=form.cleaned_data["organization"]
        ),
        _("A new appeal is open for signatures. Earlier signatories are invited to sign it."),
    )
