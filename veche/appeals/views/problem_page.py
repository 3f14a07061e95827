"""A problem's page, kept in the shared cache for visitors who are not signed in, with the signing
box, the count, the signatories and the appeal's course."""

import copy

import rules
from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.backends.base import SessionBase
from django.db.models.signals import post_delete, post_save
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
from veche.appeals.models import Answer, Appeal, Problem
from veche.appeals.policy import may_escalate, overdue
from veche.appeals.rules import take_up_organizations
from veche.core import slots
from veche.core import stamped as stamped_values
from veche.core.forms import parse_id
from veche.core.stamped import move_on, stamped
from veche.identity.eligibility import (
    RULES_VERSION_KEY,
    check_eligibility,
    describe,
    person_reads,
    requirement_for,
)
from veche.identity.models import EligibilityRule
from veche.moderation import queries as moderation_queries


def _token_slot() -> str:
    """A stand-in for the CSRF token in the visitors' copy, where each gets their own: derived
    from the secret key, so that no resident's text can name it and carry a reader's token."""
    return "csrf-slot-" + slots.token()


def _with_token(page: str, token: str) -> str:
    """The copy's forms (only their fields: a resident's text may name the stand-in, never
    a field) with the visitor's token."""
    return page.replace(f'value="{_token_slot()}"', f'value="{token}"')


# What the parts rendered for each visitor need of the shared page (`_shared_context`).
_FACTS = (
    "problem",
    "appeal",
    "revisions",
    "current",
    "taken_up",
    "rated_appeal",
    "ratings",
    "late",
    "sign_requirement",
)


def _cached(request) -> bool:
    return bool(settings.VECHE_PAGE_CACHE_SECONDS and request.method == "GET" and not request.GET)


def _marked_copy(request) -> bool:
    """Whether the visitor gets the shared copy with the parts that are theirs rendered for them
    (signed in, or something of theirs in a session), with a cache shared by every process (with
    each process's own, the copy another process keeps may not have seen the comment this person
    just posted there: the page is made for them)."""
    return _cached(request) and not _same_for_every_visitor(request) and stamped_values.is_shared()


def _page_reads(request, user_id: int | None, pk: int) -> stamped_values.ViewReads:
    """The kept copy the visitor gets, and with the marked copy what deciding whether a
    signed-in person may sign reads (their record and blocks): one round trip for all, the
    person's account's for a signed-in person (`reads_ahead`). A visitor the copy fits as it is
    reads it, and its versions, in the request's first round trip (the one that reads what
    every answer reads, `read_along`)."""
    if _cached(request) and _same_for_every_visitor(request):
        return stamped_values.ViewReads([_kept_read(pk, anonymous=True)], [])
    if not _marked_copy(request):
        return stamped_values.ViewReads([], [])
    reads = [_kept_read(pk, anonymous=False)]
    if user_id is not None:
        reads += person_reads(user_id)
    return stamped_values.ViewReads(reads, [])


@stamped_values.reads_ahead(_page_reads)
def problem_detail(request, pk: int):
    """The problem with its appeal, from a copy kept VECHE_PAGE_CACHE_SECONDS in the shared
    cache while nothing on it changes. A visitor the copy fits as it is (not signed in, nothing
    in a session) gets it with their own CSRF token; anyone else gets it with the parts that are
    theirs rendered for them (`veche.core.slots`): the header, the messages, the signing panel,
    the forms and buttons of what they may do (with a cache shared by every process; with each
    process's own, the page made for them). The count is fetched live."""
    if not _cached(request):
        return _render_page(request, pk)
    try:
        if _same_for_every_visitor(request):
            page = _with_token(_kept(request, pk, anonymous=True), get_token(request))
        elif not _marked_copy(request):
            return _render_page(request, pk)
        else:
            marked, facts = _kept(request, pk, anonymous=False)
            # One token for the parts rendered for the person and the copy's own forms.
            token = get_token(request)
            personal = {**facts, **_personal_context(request, facts), "csrf_token": token}
            page = _with_token(slots.fill(marked, request, personal), token)
    except Http404:
        return _hidden_page(request, pk)  # never kept in the cache
    return HttpResponse(page)


def _kept(request, pk: int, *, anonymous: bool):
    """The shared copy under `key`: the page as a visitor who is not signed in sees it, either
    as it is (`anonymous`) or with its personal parts marked, and what they are rendered from."""

    def build():
        shared = _shared_context(pk)
        # Who may sign, kept with the copy (stamped with the rules' version too).
        shared["sign_requirement"] = requirement_for(EligibilityRule.Action.SIGN, shared["appeal"])
        stand_in = _anonymous_stand_in(request)
        context = {
            **shared,
            **_personal_context(stand_in, shared),
            "csrf_token": _token_slot(),
            slots.MARKED: True,
        }
        marked = render_to_string("appeals/problem.html", context, request=stand_in)
        if anonymous:
            return slots.strip(marked)
        # Nothing the parts show needs the author's account: the cache keeps none of it.
        for row in (shared["problem"], *shared["revisions"]):
            row._state.fields_cache.pop("author", None)
        facts = {name: shared[name] for name in _FACTS}
        # The comment form is the same for every signed-in reader but for the token: rendered
        # here once rather than on each of their pages (its widgets were a third of one).
        facts["kept_comment_form"] = render_to_string(
            "appeals/_comment_form_body.html",
            {
                "problem": shared["problem"],
                "comment_form": CommentForm(),
                "csrf_token": _token_slot(),
            },
        )
        return marked, facts

    return stamped(
        *_kept_read(pk, anonymous=anonymous),
        build,
        shared_seconds=settings.VECHE_PAGE_CACHE_SECONDS,
    )


def _kept_read(pk: int, *, anonymous: bool) -> stamped_values.Read:
    """The shared copy's read in the current language: as it is, or with its parts marked."""
    key = f"{'' if anonymous else 'marked:'}{pk}:{get_language()}"
    # The rules' version too: the panel says who may sign.
    return stamped_values.Read(
        f"appeals:problem-page:{key}", (_page_version_key(pk), RULES_VERSION_KEY)
    )


def _anonymous_stand_in(request):
    """The request as one from a visitor not signed in, with no session, messages or cookies:
    what the shared copy is rendered for, whoever asked first."""
    stand_in = copy.copy(request)
    stand_in.user = AnonymousUser()
    stand_in.session = SessionBase()
    stand_in._messages = []
    stand_in.COOKIES = {}
    stand_in.META = {**request.META}
    return stand_in


def _page_version_key(problem_id: int) -> str:
    return f"appeals:problem-page-version:{problem_id}"


def forget_problem_page(problem_id: int) -> None:
    """Makes the problem's kept page stale: a change of what it shows (a moderator hiding the
    problem, a comment, an answer) is shown by the next request, the one who made it above all."""
    move_on(_page_version_key(problem_id))


# What the kept page shows, whose every save or deletion makes it stale. Signatures, follows
# and edit proposals are not among them: the count is fetched live, the rest is personal.
_PAGE_CONTENT = (
    "Problem",
    "ProblemPhoto",
    "Appeal",
    "Revision",
    "Dispatch",
    "Answer",
    "AnswerAttachment",
    "Rating",
    "Message",
    "ControlPeriod",
    "Comment",
    "SignatureInvalidation",
    "SupplementaryList",
    "TakeUp",
)


def _problem_of(rows, field: str) -> int | None:
    return rows.values_list(field, flat=True).first()


def watch_page_content() -> None:
    """Connects the signals that make the kept page stale (from the app's `ready`)."""
    for name in _PAGE_CONTENT:
        model = apps.get_model("appeals", name)
        for signal in (post_save, post_delete):
            signal.connect(_page_content_changed, sender=model, weak=False)


def _page_content_changed(sender, instance, **kwargs) -> None:
    if isinstance(instance, Problem):
        problem_id = instance.pk
    elif hasattr(instance, "problem_id"):
        problem_id = instance.problem_id
    elif hasattr(instance, "appeal_id"):
        problem_id = _problem_of(Appeal.objects.filter(pk=instance.appeal_id), "problem_id")
    else:  # an answer's attachment
        problem_id = _problem_of(Answer.objects.filter(pk=instance.answer_id), "appeal__problem_id")
    if problem_id is not None:
        forget_problem_page(problem_id)


def _render_page(request, pk: int):
    """The page made for this request alone: one with a query (the comment replied to)."""
    try:
        shared = _shared_context(pk)
    except Http404:
        return _hidden_page(request, pk)
    reply_to = None
    if (reply := parse_id(request.GET.get("reply"))) is not None:
        reply_to = queries.comment_replied_to(shared["problem"], reply)
    context = {**shared, **_personal_context(request, shared, reply_to=reply_to)}
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
    no session (so no territory chosen and no messages kept there), no messages in a cookie."""
    return settings.SESSION_COOKIE_NAME not in request.COOKIES and "messages" not in request.COOKIES


def _shared_context(pk: int) -> dict:
    """What the problem page shows every visitor alike: the same queries however many signed
    and commented."""
    problem = queries.problem_for_page(pk)
    appeal = problem.current_appeal
    appeal.problem = problem  # what the rules ask of it
    revision_list = queries.revisions(appeal)
    history = queries.appeal_history(problem)
    rated = queries.appeal_being_rated(history)
    return {
        "problem": problem,
        "appeal": appeal,
        "revisions": revision_list,
        "current": revision_list[-1],
        "comments": queries.comment_tree(problem),
        "photos": list(problem.photos.all()),
        "history": history,
        "taken_up": queries.taken_up_by(history),
        "control": queries.open_control(appeal),
        "rated_appeal": rated,
        "ratings": queries.ratings_summary(rated or appeal),
        "late": overdue(appeal),
        # The kept count may be a few seconds old: the panel fetches it when the page loads.
        "refresh_on_load": True,
    }


def _personal_context(request, shared: dict, *, reply_to=None) -> dict:
    """What the page shows this visitor: the signing panel and what they may do. For a
    visitor not signed in, no query."""
    user = request.user
    problem, appeal, rated = shared["problem"], shared["appeal"], shared["rated_appeal"]
    own_signature, following = None, False
    if user.is_authenticated:
        own_signature, following = queries.reader_standing(user.pk, appeal, shared["revisions"])
    box = _sign_box_context(
        request,
        problem,
        appeal,
        current=shared["current"],
        revisions=shared["revisions"],
        own_signature=own_signature,
        requirement=shared.get("sign_requirement"),
    )
    is_author = rules.has_perm("appeals.close_appeal", user, appeal)
    may_edit = rules.has_perm("appeals.edit_appeal", user, appeal)
    taken_up = shared["taken_up"]
    may_rate = rated is not None and rules.has_perm("appeals.rate_answer", user, rated)
    may_close = is_author and appeal.status in services.CLOSABLE
    may_escalate_now = rules.has_perm("appeals.escalate_appeal", user, appeal) and may_escalate(
        appeal
    )
    # A form is built only for a visitor who is shown it: building one costs a reader.
    return {
        **box,
        "refresh_on_load": True,
        "is_author": may_edit,
        "is_signatory": box["own_signature"] is not None,
        "is_following": following,
        "comment_form": None
        if "kept_comment_form" in shared
        else CommentForm(initial={"parent": reply_to.pk if reply_to else None}),
        "reply_to": reply_to,
        # Shown to the author only; not even built for anyone else (its ORM costs a reader).
        "proposals": queries.pending_proposals(appeal) if may_edit else (),
        # Offered while one of the person's organizations has not taken it up yet.
        "may_take_up": rules.has_perm("appeals.take_up_problem", user, problem)
        and bool(take_up_organizations(user, problem) - {t.organization_id for t in taken_up}),
        "may_rate": may_rate,
        "has_rated": rated is not None
        and user.is_authenticated
        and rated.ratings.filter(user=user).exists(),
        "rating_form": RatingForm(initial={"appeal": rated.pk}) if may_rate else None,
        "may_close": may_close,
        "close_form": CloseForm() if may_close else None,
        "may_escalate": may_escalate_now,
        "escalate_form": EscalateForm(
            initial={"organization": appeal.organization.parent_id}, current=appeal.organization
        )
        if may_escalate_now
        else None,
    }


_UNREAD = object()


def _sign_box_context(
    request,
    problem,
    appeal,
    *,
    current=None,
    revisions=None,
    errors=(),
    own_signature=_UNREAD,
    requirement=None,
):
    """What the signing panel shows to this person (`own_signature` and the `requirement` of
    signing when the caller read them)."""
    user = request.user
    if own_signature is _UNREAD:
        own_signature = None
        if user.is_authenticated:
            own_signature = (
                appeal.signatures.filter(user=user, withdrawn_at__isnull=True)
                .select_related("revision")
                .first()
            )
    revisions = revisions if revisions is not None else queries.revisions(appeal)
    requirement = requirement or requirement_for(EligibilityRule.Action.SIGN, appeal)
    return {
        "problem": problem,
        "appeal": appeal,
        "current": current or revisions[-1],
        "own_signature": own_signature,
        # A signature of a text changed in substance since counts only once confirmed.
        "needs_confirmation": bool(
            own_signature and not appeal.counts_revision(own_signature.revision.number)
        ),
        "sign_decision": None
        if own_signature
        else check_eligibility(user, EligibilityRule.Action.SIGN, appeal, requirement=requirement),
        "requirement": describe(requirement),
        "sign_errors": errors,
    }


def _signed_box_context(problem, appeal, signature) -> dict:
    """The signing panel right after the person signed: the signature says all it shows (the
    panel tells a signatory nothing about who may sign). One kept uncounted (the text changed
    in substance while it was on its way) asks at once for the confirmation of the new text."""
    return {
        "problem": problem,
        "appeal": appeal,
        "current": signature.revision,
        "own_signature": signature,
        "needs_confirmation": not getattr(signature, "counted", True),
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


def _appeal(pk: int) -> tuple[Problem, Appeal]:
    problem = queries.problem_for_page(pk)
    if problem.current_appeal is None:
        raise Http404
    return problem, problem.current_appeal
