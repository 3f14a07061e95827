"""Signing, withdrawing a signature, confirming it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from veche.appeals import queries, services
from veche.core import stamped
from veche.core.ratelimits import TABLE_KEY
from veche.identity.eligibility import person_reads

from ._common import _act
from .problem_page import _sign_box_context, _signed_box_context
from .signed_panel import signed_panel


def _sign_reads(request, user_id: int, pk: int) -> stamped.ViewReads:
    """What signing reads from the shared cache before the appeal's own rule, read with the
    person's account in one round trip; nothing for a request the view refuses unread (405)."""
    if request.method != "POST":
        return stamped.ViewReads([], [])
    return stamped.ViewReads([queries.to_sign_read(pk), *person_reads(user_id)], [TABLE_KEY])


@login_required
@require_POST
@stamped.reads_ahead(_sign_reads)
def sign(request, pk: int):
    """Sign the appeal. The page's button asks with htmx and gets the signing panel back (no
    page to render again for every signature of a surge); without JavaScript, a redirect."""
    problem = queries.problem_to_sign(pk)
    appeal = problem.current_appeal
    signature, errors = None, []
    if request.POST.get("agree") != "on":
        # The box is required in the form; a request without it must not sign either, since
        # the signature hands the person's name and address to the addressee.
        errors = [
            _(
                "Tick the box to support the text and agree that your name and address go to "
                "the addressee."
            )
        ]
    else:
        try:
            signature = services.sign_appeal(user=request.user, appeal=appeal)
        except (ValidationError, PermissionDenied) as error:
            errors = getattr(error, "messages", None) or [str(error)]
    if signature is not None and not signature.counted:
        return _kept_uncounted(request, problem, appeal, signature)
    if request.htmx:
        if signature is not None:
            return HttpResponse(signed_panel(request, problem, appeal, signature))
        # A refusal shows the appeal as it stands, not as signing last kept it.
        problem = queries.problem_to_sign(pk, fresh=True)
        appeal = problem.current_appeal
        context = _sign_box_context(request, problem, appeal, errors=errors)
        return render(request, "appeals/_sign_box.html", context)
    if signature is not None:
        messages.success(request, _("You have signed the appeal. Thank you!"))
    for message in errors:
        messages.error(request, message)
    return redirect(problem.get_absolute_url())


def _kept_uncounted(request, problem, appeal, signature):
    """The author changed the text in substance while the signature was on its way: it is kept,
    but counts only once the person confirms the new text, which the panel now asks (rare, so
    rendered in full rather than from the kept panel)."""
    message = _(
        "The author changed the text of the appeal in substance while you were signing. Your "
        "signature is kept but does not count until you read the new text and confirm it."
    )
    if request.htmx:
        context = _signed_box_context(problem, appeal, signature) | {
            "just_signed": False,
            "sign_notice": message,
        }
        return render(request, "appeals/_sign_box.html", context)
    messages.warning(request, message)
    return redirect(problem.get_absolute_url())


def _signed_appeal(pk: int):
    """The problem a signatory acts on: a hidden one too, since a signature given before it
    was hidden may still be withdrawn or confirmed."""
    problem = queries.problem_to_sign(pk, fresh=True)
    return problem, problem.current_appeal


@login_required
@require_POST
def withdraw(request, pk: int):
    problem, appeal = _signed_appeal(pk)
    return _act(
        request,
        problem,
        lambda: services.withdraw_signature(user=request.user, appeal=appeal),
        _("Your signature is withdrawn."),
    )


@login_required
@require_POST
def confirm(request, pk: int):
    problem, appeal = _signed_appeal(pk)
    return _act(
        request,
        problem,
        lambda: services.confirm_signature(user=request.user, appeal=appeal),
        _("Your signature now stands under the current text."),
    )
