"""Pages of problems and appeals for residents: thin views that call one service each; the
appeals and answers as PDF documents."""

import rules
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from veche.appeals import documents, queries, services
from veche.appeals.diff import diff_words
from veche.appeals.forms import (
    CloseForm,
    CommentForm,
    EditProposalForm,
    EscalateForm,
    FilterForm,
    ProblemForm,
    RatingForm,
    RevisionForm,
)
from veche.appeals.models import Appeal, Category, EditProposal, Problem
from veche.appeals.policy import may_escalate, overdue
from veche.appeals.routing import route
from veche.appeals.rules import problem_is_public
from veche.appeals.search import similar_problems
from veche.core.files import serve_file
from veche.core.forms import parse_id
from veche.core.paging import page_number
from veche.identity.eligibility import check_eligibility, describe, requirement_of, rule_for
from veche.identity.models import EligibilityRule
from veche.territories.geo import extents_by_territory, site_extent


def _flash_errors(request, error: Exception) -> None:
    for message in getattr(error, "messages", None) or [str(error)]:
        messages.error(request, message)


def _act(request, problem: Problem, action, success: str):
    """Run a service for a POSTed button; refusals become messages, nothing else changes."""
    try:
        action()
    except (ValidationError, PermissionDenied) as error:
        _flash_errors(request, error)
    else:
        messages.success(request, success)
    return redirect(problem.get_absolute_url())


def problem_list(request):
    form = FilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    page = queries.problem_list(
        **{k: v for k, v in filters.items() if v}, page=page_number(request.GET.get("page"))
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "appeals/problem_list.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "categories": Category.objects.all(),
            "markers": queries.map_markers(page.items),
        },
    )


@login_required
def problem_new(request):
    form = ProblemForm(request.POST or None, request.FILES or None)
    similar, routed = [], None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        routed = route(data["category"], data["territory"])
        similar = similar_problems(data["title"], data["description"], territory=data["territory"])
        addressee = data["organization"] or routed
        confirmed = request.POST.get("confirm") == "publish"
        if addressee is None:
            form.add_error("organization", _("Choose the organization to address."))
        elif confirmed:
            try:
                problem = services.publish_problem(
                    author=request.user,
                    title=data["title"],
                    description=data["description"],
                    category=data["category"],
                    territory=data["territory"],
                    organization=addressee,
                    appeal_text=data["appeal_text"],
                    address=data["address"],
                    latitude=data["latitude"],
                    longitude=data["longitude"],
                    photos=data["photos"],
                    language=(get_language() or "ru")[:2],
                )
            except ValidationError as error:
                form.add_error("appeal_text", error)
            except PermissionDenied as error:
                form.add_error(None, str(error))
            else:
                messages.success(
                    request,
                    _("Your problem is published. Invite your neighbours to sign the appeal."),
                )
                return redirect(problem.get_absolute_url())
        if not data["organization"] and routed is not None:
            # Show the proposed addressee selected, so the author sees and may change it.
            form.data = form.data.copy()
            form.data["organization"] = str(routed.pk)
    requirement = describe(requirement_of(rule_for(EligibilityRule.Action.PUBLISH)))
    return render(
        request,
        "appeals/problem_new.html",
        {
            "form": form,
            "similar": similar,
            "routed": routed,
            "requirement": requirement,
            "checked": request.method == "POST" and form.is_valid(),
            "map_extents": {
                "site": site_extent().as_list(),
                "territories": extents_by_territory(form.fields["territory"].queryset),
            },
        },
    )


# A stand-in for the CSRF token in a page kept in the shared cache: each visitor gets their own.
_TOKEN_SLOT = "veche-csrf-token-slot-b3f1c2"  # noqa: S105 (a placeholder, no secret)


def problem_detail(request, pk: int):
    """The problem with its appeal. Visitors who are not signed in (most of a surge's readers)
    get a copy kept VECHE_PAGE_CACHE_SECONDS in the shared cache, with their own CSRF token put
    in, and fetch the live count apart; everyone else gets the page made for them."""
    seconds = settings.VECHE_PAGE_CACHE_SECONDS
    if not (seconds and _same_for_every_visitor(request)):
        return render(request, "appeals/problem.html", _problem_context(request, pk))
    key = f"appeals:problem-page:{pk}:{get_language()}"
    page = cache.get(key)
    if page is None:
        context = _problem_context(request, pk)
        context.update(csrf_token=_TOKEN_SLOT, refresh_on_load=True)
        page = render_to_string("appeals/problem.html", context, request=request)
        cache.set(key, page, seconds)
    return HttpResponse(page.replace(_TOKEN_SLOT, get_token(request)))


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
    requirement = requirement_of(rule_for(EligibilityRule.Action.SIGN, appeal))
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
    a head's control, the rating window (which may be an earlier appeal's, still open after an
    escalation), and what the author may do: close, escalate."""
    history = queries.appeal_history(problem)
    rated = queries.appeal_being_rated(history)
    is_author = rules.has_perm("appeals.close_appeal", user, appeal)
    return {
        "history": history,
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


@login_required
@require_POST
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
    if request.htmx:
        if signature is not None:
            context = _signed_box_context(problem, appeal, signature)
        else:
            context = _sign_box_context(request, problem, appeal, errors=errors)
        return render(request, "appeals/_sign_box.html", context)
    if signature is not None:
        messages.success(request, _("You have signed the appeal. Thank you!"))
    for message in errors:
        messages.error(request, message)
    return redirect(problem.get_absolute_url())


@login_required
@require_POST
def withdraw(request, pk: int):
    problem, appeal = _appeal(pk)
    return _act(
        request,
        problem,
        lambda: services.withdraw_signature(user=request.user, appeal=appeal),
        _("Your signature is withdrawn."),
    )


@login_required
@require_POST
def confirm(request, pk: int):
    problem, appeal = _appeal(pk)
    return _act(
        request,
        problem,
        lambda: services.confirm_signature(user=request.user, appeal=appeal),
        _("Your signature now stands under the current text."),
    )


@login_required
def revise(request, pk: int):
    problem, appeal = _appeal(pk)
    if not rules.has_perm("appeals.edit_appeal", request.user, appeal):
        raise PermissionDenied
    form = RevisionForm(request.POST or None, initial={"text": appeal.current_revision.text})
    if request.method == "POST" and form.is_valid():
        try:
            services.revise_appeal(author=request.user, appeal=appeal, **form.cleaned_data)
        except ValidationError as error:
            form.add_error("text", error)
        else:
            messages.success(request, _("A new revision of the appeal is saved."))
            return redirect(problem.get_absolute_url())
    return render(
        request,
        "appeals/revise.html",
        {"problem": problem, "appeal": appeal, "form": form, "title": _("Edit the appeal")},
    )


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
    problem, appeal = _appeal(pk)
    return _act(
        request,
        problem,
        lambda: services.record_sent_by_author(author=request.user, appeal=appeal),
        _("Noted: you sent the appeal yourself."),
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


# --- Uploaded files -------------------------------------------------------------------------


@require_GET
def problem_photo(request, pk: int):
    """A photo of a problem, to whoever may see the problem (a 404 says nothing to the rest)."""
    photo = queries.problem_photo(pk)
    if not request.user.has_perm("appeals.view_problem", photo.problem):
        raise Http404
    return serve_file(
        photo.image,
        filename=photo.image.name,
        public=problem_is_public(photo.problem),
    )


@require_GET
def answer_attachment(request, pk: int):
    """A file attached to an answer, to whoever may see the answer."""
    attachment = queries.answer_attachment(pk)
    answer = attachment.answer
    if not request.user.has_perm("appeals.view_answer", answer):
        raise Http404
    return serve_file(
        attachment.file,
        filename=attachment.name,
        public=problem_is_public(answer.appeal.problem),
    )


def _pdf(content: bytes, filename: str, *, private: bool = False) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    if private:
        response["Cache-Control"] = "private, no-store"
    return response


@require_GET
def appeal_document(request, appeal_id: int):
    """Anyone may print a public appeal as a document, without the applicants' data."""
    appeal = queries.public_appeal(appeal_id)
    return _pdf(documents.appeal_pdf(appeal, for_addressee=False), f"appeal-{appeal.pk}.pdf")


@require_GET
@login_required
def appeal_document_for_addressee(request, appeal_id: int):
    """The addressee's copy, with every co-applicant's name and address (59-FZ)."""
    appeal = queries.appeal_by_id(appeal_id)
    if not rules.has_perm("appeals.see_signatories_data", request.user, appeal):
        raise PermissionDenied(_("Only officials of the addressee receive the applicants' data."))
    if appeal.status in documents.NOT_SENT:
        raise PermissionDenied(_("The addressee receives the applicants' data once it is sent."))
    return _pdf(
        documents.appeal_pdf(appeal, for_addressee=True),
        f"appeal-{appeal.pk}-full.pdf",
        private=True,
    )


@require_GET
def answer_document(request, answer_id: int):
    answer = queries.public_answer(answer_id)
    return _pdf(documents.answer_pdf(answer), f"answer-{answer.pk}.pdf")
