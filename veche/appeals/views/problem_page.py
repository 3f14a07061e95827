"""A problem's page, kept in the shared cache for visitors who are not signed in, with the signing
box, the count, the signatories and the appeal's course."""

import rules
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import Http404, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.translation import get_language
from django.views.decorators.http import require_GET

from veche.appeals import queries, services
from veche.appeals.forms import (
    CloseForm,
    CommentForm,
    EscalateForm,
    RatingForm,
)
from veche.appeals.models import Appeal, Problem
from veche.appeals.policy import may_escalate, overdue
from veche.appeals.rules import take_up_organizations
from veche.core.forms import parse_id
from veche.identity.eligibility import check_eligibility, describe, requirement_for
from veche.identity.models import EligibilityRule
from veche.moderation import queries as moderation_queries

# A stand-in for the CSRF token in a page kept in the shared cache: each visitor gets their own.
_TOKEN_SLOT = "veche-csrf-token-slot-b3f1c2"  # noqa: S105 (a placeholder, no secret)


def problem_detail(request, pk: int):
    """The problem with its appeal. Visitors who are not signed in (most of a surge's readers)
    get a copy kept VECHE_PAGE_CACHE_SECONDS in the shared cache, with their own CSRF token put
    in, and fetch the live count apart; everyone else gets the page made for them."""
    seconds = settings.VECHE_PAGE_CACHE_SECONDS
    if not (seconds and _same_for_every_visitor(request)):
        return _render_page(request, pk)
    key = _cache_key(pk, get_language())
    page = cache.get(key)
    if page is None:
        try:
            context = _problem_context(request, pk)
        except Http404:
            return _hidden_page(request, pk)  # never kept in the cache
        context.update(csrf_token=_TOKEN_SLOT, refresh_on_load=True)
        page = render_to_string("appeals/problem.html", context, request=request)
        cache.set(key, page, seconds)
    return HttpResponse(page.replace(_TOKEN_SLOT, get_token(request)))


def _cache_key(pk: int, language: str) -> str:
    return f"appeals:problem-page:{pk}:{language}"


def forget_problem_page(problem) -> None:
    """Drops the cached copies of the problem's page, in every language, once the change is
    committed: a problem a moderator hid (or showed again) is never served as it was."""
    keys = [_cache_key(problem.pk, code) for code, _name in settings.LANGUAGES]
    transaction.on_commit(lambda: cache.delete_many(keys))


def _render_page(request, pk: int):
    try:
        context = _problem_context(request, pk)
    except Http404:
        return _hidden_page(request, pk)
    return render(request, "appeals/problem.html", context)


def _hidden_page(request, pk: int):
    """A problem hidden by a moderator: a placeholder with the ground, none of its text; the
    signatures given before stay counted. A problem held for pre-moderation, or refused there,
    is shown to its author (and to moderators) with what became of it. Anything else (a
    draft, no such problem, someone else's held problem) is a 404."""
    try:
        problem = queries.hidden_problem(pk)
    except Http404:
        return _unpublished_page(request, pk)
    return render(request, "appeals/problem_hidden.html", {"problem": problem})


def _unpublished_page(request, pk: int):
    problem = queries.unpublished_problem(pk)
    if not rules.has_perm("appeals.view_unpublished_problem", request.user, problem):
        raise Http404
    appeal = problem.current_appeal
    revisions = sorted(appeal.revisions.all(), key=lambda r: r.number) if appeal else []
    return render(
        request,
        "appeals/problem_unpublished.html",
        {
            "problem": problem,
            "appeal": appeal,
            "current": revisions[-1] if revisions else None,
            "refusal": moderation_queries.refusal_of(problem)
            if problem.status == Problem.Status.REFUSED
            else None,
        },
    )


def _same_for_every_visitor(request) -> bool:
    """Whether the page is the same for this visitor as for any other who is not signed in:
    no session (so no territory chosen and no messages kept there), no messages in a cookie,
    nothing asked in the query."""
    return (
        request.method == "GET"
        and not request.GET
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "messages" not in request.COOKIES
    )


def _problem_context(request, pk: int) -> dict:
    """What the problem page shows: the same queries however many signed and commented."""
    problem = queries.problem_for_page(pk)
    appeal = problem.current_appeal
    user = request.user
    revision_list = queries.revisions(appeal)
    current = revision_list[-1]
    reply_to = None
    if request.GET.get("reply", "").isdigit():
        reply_to = queries.comment_replied_to(problem, int(request.GET["reply"]))
    box = _sign_box_context(request, problem, appeal, current=current, revisions=revision_list)
    return {
        **box,
        "revisions": revision_list,
        "is_author": rules.has_perm("appeals.edit_appeal", user, appeal),
        "is_signatory": box["own_signature"] is not None,
        "is_following": user.is_authenticated and problem.follows.filter(user=user).exists(),
        "comments": queries.comment_tree(problem),
        "comment_form": CommentForm(initial={"parent": reply_to.pk if reply_to else None}),
        "reply_to": reply_to,
        "proposals": queries.pending_proposals(appeal),
        "photos": problem.photos.all(),
        **_course_context(user, problem, appeal),
    }


def _sign_box_context(request, problem, appeal, *, current=None, revisions=None, errors=()):
    """What the signing panel shows to this person."""
    user = request.user
    own_signature = None
    if user.is_authenticated:
        own_signature = (
            appeal.signatures.filter(user=user, withdrawn_at__isnull=True)
            .select_related("revision")
            .first()
        )
    revisions = revisions if revisions is not None else queries.revisions(appeal)
    requirement = requirement_for(EligibilityRule.Action.SIGN, appeal)
    return {
        "problem": problem,
        "appeal": appeal,
        "current": current or revisions[-1],
        "own_signature": own_signature,
        "needs_confirmation": bool(
            own_signature
            and any(r.substantive and r.number > own_signature.revision.number for r in revisions)
        ),
        "sign_decision": None
        if own_signature
        else check_eligibility(user, EligibilityRule.Action.SIGN, appeal, requirement=requirement),
        "requirement": describe(requirement),
        "sign_errors": errors,
    }


def _signed_box_context(problem, appeal, signature) -> dict:
    """The signing panel right after the person signed: the signature says all it shows (the
    panel tells a signatory nothing about who may sign)."""
    return {
        "problem": problem,
        "appeal": appeal,
        "current": signature.revision,
        "own_signature": signature,
        "needs_confirmation": False,
        "just_signed": True,
        "sign_errors": (),
    }


def signature_count(request, pk: int):
    """The live count of the problem's appeal, polled by the page."""
    appeal = queries.live_count(pk)
    return render(
        request,
        "appeals/_signature_count.html",
        {"appeal": appeal, "problem_id": pk},
    )


@require_GET
def signatories(request, pk: int):
    """Who signed, a page at a time: appended in place by htmx, or a page of its own."""
    problem, appeal = _appeal(pk)
    after = parse_id(request.GET.get("after")) or 0
    context = {
        "problem": problem,
        "signatories": queries.signatories(appeal.pk, after=after),
        "problem_id": problem.pk,
        "current_number": queries.revisions(appeal)[-1].number,
    }
    if request.htmx:
        return render(request, "appeals/_signatories.html", context)
    return render(request, "appeals/signatories.html", context)


def _course_context(user, problem: Problem, appeal: Appeal) -> dict:
    """What the page shows of the appeal's course: the timeline of every appeal of the problem,
    the organizations that took the problem up, a head's control, the rating window (which may
    be an earlier appeal's, still open after an escalation), and what the author may do: close,
    escalate."""
    history = queries.appeal_history(problem)
    rated = queries.appeal_being_rated(history)
    is_author = rules.has_perm("appeals.close_appeal", user, appeal)
    taken_up = queries.taken_up_by(history)
    return {
        "history": history,
        "taken_up": taken_up,
        # Offered while one of the person's organizations has not taken it up yet.
        "may_take_up": rules.has_perm("appeals.take_up_problem", user, problem)
        and bool(take_up_organizations(user, problem) - {t.organization_id for t in taken_up}),
        "control": queries.open_control(appeal),
        "rated_appeal": rated,
        "ratings": queries.ratings_summary(rated or appeal),
        "may_rate": rated is not None and rules.has_perm("appeals.rate_answer", user, rated),
        "has_rated": rated is not None
        and user.is_authenticated
        and rated.ratings.filter(user=user).exists(),
        "rating_form": RatingForm(initial={"appeal": rated.pk if rated else None}),
        "may_close": is_author and appeal.status in services.CLOSABLE,
        "close_form": CloseForm(),
        "late": overdue(appeal),
        "may_escalate": rules.has_perm("appeals.escalate_appeal", user, appeal)
        and may_escalate(appeal),
        "escalate_form": EscalateForm(
            initial={"organization": appeal.organization.parent_id}, current=appeal.organization
        ),
    }


def _appeal(pk: int) -> tuple[Problem, Appeal]:
    problem = queries.problem_for_page(pk)
    if problem.current_appeal is None:
        raise Http404
    return problem, problem.current_appeal
