"""Co-editing the appeal: revisions, proposed edits and the difference between revisions."""

import rules
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from veche.appeals import queries, services
from veche.appeals.diff import diff_words, percent
from veche.appeals.forms import (
    EditProposalForm,
    RevisionForm,
)
from veche.appeals.models import EditProposal

from ._common import _act
from .problem_page import _appeal


@login_required
def revise(request, pk: int):
    problem, appeal = _appeal(pk)
    if not rules.has_perm("appeals.edit_appeal", request.user, appeal):
        raise PermissionDenied
    form = RevisionForm(request.POST or None, initial={"text": appeal.current_revision.text})
    if request.method == "POST" and form.is_valid():
        try:
            revision = services.revise_appeal(
                author=request.user, appeal=appeal, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error("text", error)
        else:
            messages.success(request, _saved(revision, ticked=form.cleaned_data["substantive"]))
            return redirect(problem.get_absolute_url())
    return render(
        request,
        "appeals/revise.html",
        {"problem": problem, "appeal": appeal, "form": form, "title": _("Edit the appeal")},
    )


def _saved(revision, *, ticked: bool) -> str:
    """What the author is told of a new revision: whether the signatures stay, and why not when
    the author did not tick the change as one of substance."""
    if not revision.substantive:
        return _("A new revision of the appeal is saved as a minor edit: the signatures stay.")
    if ticked:
        return _(
            "A new revision of the appeal is saved as a change of substance. The signatures "
            "given to the earlier text do not count until their signatories confirm the new "
            "one; they are asked to."
        )
    return _(
        "A new revision of the appeal is saved. It changes %(share)s%% of the words, more than "
        "a minor edit may (%(limit)s%%), so it counts as a change of substance. The signatures "
        "given to the earlier text do not count until their signatories confirm the new one; "
        "they are asked to."
    ) % {
        "share": percent(revision.changed_share),
        "limit": percent(settings.VECHE_MINOR_EDIT_MAX_SHARE),
    }


@login_required
def propose(request, pk: int):
    problem, appeal = _appeal(pk)
    if not rules.has_perm("appeals.propose_edit", request.user, appeal):
        raise PermissionDenied
    form = EditProposalForm(request.POST or None, initial={"text": appeal.current_revision.text})
    if request.method == "POST" and form.is_valid():
        try:
            services.propose_edit(user=request.user, appeal=appeal, **form.cleaned_data)
        except ValidationError as error:
            form.add_error("text", error)
        else:
            messages.success(request, _("Your edit is sent to the author."))
            return redirect(problem.get_absolute_url())
    return render(
        request,
        "appeals/revise.html",
        {"problem": problem, "appeal": appeal, "form": form, "title": _("Propose an edit")},
    )


@login_required
@require_POST
def decide_proposal(request, pk: int, proposal_id: int):
    problem, appeal = _appeal(pk)
    proposal = get_object_or_404(EditProposal, pk=proposal_id, appeal=appeal)
    accept = request.POST.get("decision") == "accept"
    return _act(
        request,
        problem,
        lambda: services.decide_edit(author=request.user, proposal=proposal, accept=accept),
        _("The edit is accepted.") if accept else _("The edit is rejected."),
    )


def revision_diff(request, pk: int):
    problem, appeal = _appeal(pk)
    revision_list = queries.revisions(appeal)
    by_number = {r.number: r for r in revision_list}
    try:
        old = by_number[int(request.GET.get("from", revision_list[0].number))]
        new = by_number[int(request.GET.get("to", revision_list[-1].number))]
    except (KeyError, ValueError):
        raise Http404 from None
    return render(
        request,
        "appeals/diff.html",
        {
            "problem": problem,
            "appeal": appeal,
            "revisions": revision_list,
            "old": old,
            "new": new,
            "pieces": diff_words(old.text, new.text),
        },
    )
