"""Pages of discussions for everyone and for participants: the list, a discussion with its
timeline and materials, sending a submission, its receipt, the experts' answers, following."""

import math

import rules
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from veche.core.files import serve_file
from veche.core.forms import parse_id
from veche.core.paging import page_number
from veche.core.redirects import redirect_back
from veche.core.sections import page_sections
from veche.discussions import queries, queries_debate, services
from veche.discussions.forms import AnswerForm, ReplyForm, SubmissionForm
from veche.discussions.models import MaterialVersion, Stage, Submission
from veche.discussions.schedule import timeline
from veche.discussions.views import meeting
from veche.identity.eligibility import (
    decide,
    describe,
    legal_entity_of,
    person_facts,
    requirement_of,
    rule_for,
)
from veche.identity.models import EligibilityRule
from veche.territories.my_territory import current_territory


def _flash_errors(request, error: Exception) -> None:
    for message in getattr(error, "messages", None) or [str(error)]:
        messages.error(request, message)


def discussion_list(request):
    territory = current_territory(request)
    return render(
        request,
        "discussions/list.html",
        {
            "territory": territory,
            "discussions": queries.current_discussions(territory),
        },
    )


def discussion_detail(request, pk: int):
    discussion = queries.visible_discussion(request.user, pk)
    kinds = discussion.open_kinds()
    action = (
        EligibilityRule.Action.SUBMIT
        if Submission.Kind.PROPOSAL in kinds
        else EligibilityRule.Action.ASK
    )
    # The discussion's own rule of submitting is shown on the page, and during the intake it is
    # the rule asked: read once.
    own_rule = queries.eligibility_of(discussion)
    materials = queries.materials_of(discussion)
    decision = None
    if kinds:
        rule = own_rule if own_rule and action == own_rule.action else rule_for(action, discussion)
        decision = decide(requirement_of(rule), person_facts(request.user), timezone.localdate())
    form = None
    if decision and decision.allowed:
        form = SubmissionForm(
            discussion=discussion,
            kinds=kinds,
            legal_entity=legal_entity_of(request.user) is not None,
            materials=materials,
        )
    counts = queries.submission_counts(discussion)
    first = queries.SUBMISSIONS_PREVIEW
    questions, proposals = queries.with_answers(
        queries.public_submissions(discussion, questions=True)[:first] if counts.questions else [],
        queries_debate.with_counts(queries.public_submissions(discussion, questions=False))[:first]
        if counts.proposals
        else [],
    )
    context = {
        # A hearing's meeting: its broadcast, the remarks sent online, its record.
        **meeting.panel(request, discussion),
    }
    response = render(
        request,
        "discussions/detail.html",
        context
        | {
            "discussion": discussion,
            "stage": discussion.stage,
            "steps": timeline(discussion),
            "materials": materials,
            "counts": counts,
            "questions": questions,
            "proposals": proposals,
            "speed": queries.expert_speed(discussion),
            "kinds": kinds,
            "decision": decision,
            "form": form,
            "requirement": describe(requirement_of(own_rule)) if own_rule else "",
            "changes": discussion.schedule_changes.all(),
            "milestones": discussion.milestones.filter(submission__isnull=True),
            "is_organizer": rules.has_perm(
                "discussions.manage_discussion", request.user, discussion
            ),
            "following": request.user.is_authenticated
            and discussion.follows.filter(user=request.user).exists(),
            "Stage": Stage,
            # Apps above add their parts: how another site embeds the discussion's card.
            "sections": page_sections(request, "discussion", discussion),
        },
    )
    return meeting.allow_broadcast_frame(response, context)


SECTIONS = {"questions": True, "proposals": False}
SORT_LABELS = (
    ("number", gettext_lazy("by number")),
    ("support", gettext_lazy("most supported")),
    ("newest", gettext_lazy("newest")),
)


def submission_list(request, pk: int, section: str):
    """One section of a discussion's submissions (questions, or proposals and remarks), a page
    at a time: a hearing can draw tens of thousands."""
    discussion = queries.visible_discussion(request.user, pk)
    questions = SECTIONS[section]
    counts = queries.submission_counts(discussion)
    count = counts.questions if questions else counts.proposals
    size = queries.SUBMISSIONS_PAGE
    number = page_number(request.GET.get("page"))
    pages = max(1, math.ceil(count / size))
    if number > pages:
        raise Http404
    start = (number - 1) * size
    sort = request.GET.get("sort", "")
    sort = sort if sort in queries_debate.SORTS and not questions else "number"
    found = queries.public_submissions(discussion, questions=questions)
    decision = None
    if not questions:
        found = queries_debate.with_counts(found)
        decision = queries_debate.debate_decision(request.user, discussion)
    found = found.order_by(*queries_debate.SORTS[sort])
    return render(
        request,
        "discussions/submission_list.html",
        {
            "discussion": discussion,
            "section": section,
            "count": count,
            "sort": sort,
            "debated": not questions,
            "sorts": SORT_LABELS if not questions else (),
            "submissions": queries_debate.with_debate(
                queries.with_answers(found[start : start + size])[0], request.user, decision
            )
            if count
            else [],
            "page": {
                "number": number,
                "pages": pages,
                "previous": number - 1 if number > 1 else None,
                "next": number + 1 if number < pages else None,
            },
        },
    )


@login_required
@require_POST
def submit(request, pk: int):
    """Two steps, both POST: the form, then the identification data shown for confirmation."""
    discussion = queries.visible_discussion(request.user, pk)
    form = SubmissionForm(
        request.POST,
        discussion=discussion,
        kinds=discussion.open_kinds() or list(Submission.Kind.values),
        legal_entity=legal_entity_of(request.user) is not None,
    )
    if not form.is_valid():
        return render(
            request,
            "discussions/submit.html",
            {"discussion": discussion, "form": form},
            status=400,
        )
    data = form.cleaned_data
    as_legal_entity = data.get("as_legal_entity", False)
    if request.POST.get("confirm") != "yes":
        try:
            identification = queries.identification_of(
                request.user, as_legal_entity=as_legal_entity
            )
        except ValidationError as error:
            _flash_errors(request, error)
            return redirect(discussion.get_absolute_url() + "#take-part")
        return render(
            request,
            "discussions/submit.html",
            {
                "discussion": discussion,
                "form": form,
                "identification": identification,
                "confirming": True,
                "kind_label": Submission.Kind(data["kind"]).label,
            },
        )
    try:
        submission = services.submit(
            user=request.user,
            discussion=discussion,
            kind=data["kind"],
            text=data["text"],
            material=data["material"],
            page=data["page"],
            as_legal_entity=as_legal_entity,
        )
    except (ValidationError, PermissionDenied) as error:
        _flash_errors(request, error)
        return redirect(discussion.get_absolute_url() + "#take-part")
    messages.success(request, submission.words.yours_registered)
    return redirect(submission.get_absolute_url())


def submission_detail(request, pk: int):
    submission = queries.submission_for(request.user, pk)
    discussion = submission.discussion
    own = request.user.is_authenticated and submission.author_id == request.user.pk
    may_answer = (
        submission.kind == Submission.Kind.QUESTION
        and not discussion.protocol_signed_at
        and rules.has_perm("discussions.answer_question", request.user, discussion)
    )
    debated = queries_debate.is_debated(submission)
    decision = None
    if debated:
        decision = queries_debate.debate_decision(request.user, discussion)
        (submission,) = queries_debate.with_debate(
            [
                queries_debate.with_counts(
                    Submission.objects.select_related("author", "material").filter(pk=pk)
                ).get()
            ],
            request.user,
            decision,
        )
        submission.discussion = discussion
    reply_refusal = (
        queries_debate.refusal_for(request.user, submission, decision, marking=False)
        if debated
        else ""
    )
    replying_to = None
    reply = parse_id(request.GET.get("reply"))
    if debated and reply is not None:
        replying_to = submission.replies.filter(
            pk=reply, parent=None, hidden_at__isnull=True
        ).first()
    return render(
        request,
        "discussions/submission.html",
        {
            "submission": submission,
            "debated": debated,
            "decision": decision,
            "replies": queries_debate.reply_tree(submission) if debated else [],
            "reply_form": ReplyForm(initial={"parent": replying_to.pk if replying_to else None})
            if debated and not reply_refusal
            else None,
            "replying_to": replying_to,
            "reply_refusal": reply_refusal,
            "discussion": discussion,
            "own": own,
            "answers": submission.answers.select_related("expert"),
            "milestones": submission.milestones.all(),
            "answer_form": AnswerForm() if may_answer else None,
            "is_organizer": rules.has_perm(
                "discussions.manage_discussion", request.user, discussion
            ),
        },
    )


@login_required
@require_POST
def answer(request, pk: int):
    submission = queries.submission_for(request.user, pk)
    form = AnswerForm(request.POST)
    if form.is_valid():
        try:
            services.answer_question(
                expert=request.user, submission=submission, text=form.cleaned_data["text"]
            )
        except (ValidationError, PermissionDenied) as error:
            _flash_errors(request, error)
        else:
            messages.success(request, _("Your answer is published."))
    else:
        messages.error(request, _("Write the answer."))
    return redirect(submission.get_absolute_url())


@login_required
def my_submissions(request):
    return render(
        request,
        "discussions/mine.html",
        {"submissions": queries.my_submissions(request.user)},
    )


@login_required
@require_POST
def follow(request, pk: int):
    discussion = queries.visible_discussion(request.user, pk)
    wanted = request.POST.get("follow") == "1"
    services.set_following(user=request.user, discussion=discussion, follow=wanted)
    messages.success(
        request,
        _("You will hear of every stage of this discussion.")
        if wanted
        else _("You no longer follow this discussion."),
    )
    return redirect(discussion.get_absolute_url())


@login_required
@require_POST
def follow_territory(request):
    from veche.territories.models import Territory

    territory = get_object_or_404(Territory, code=request.POST.get("territory", ""))
    wanted = request.POST.get("follow") == "1"
    services.set_following(user=request.user, territory=territory, follow=wanted)
    messages.success(
        request,
        _("You will hear of every discussion announced in %(place)s.") % {"place": territory.title}
        if wanted
        else _("You no longer follow discussions in %(place)s.") % {"place": territory.title},
    )
    return redirect_back(request, reverse("discussions:list"))


def material_file(request, pk: int):
    """A version of a project material, served through Django so that drafts stay private."""
    version = get_object_or_404(
        MaterialVersion.objects.select_related("material__discussion"), pk=pk
    )
    discussion = queries.visible_discussion(request.user, version.material.discussion_id)
    extension = version.file.name.rsplit(".", 1)[-1]
    response = serve_file(
        version.file,
        filename=f"{version.material.title[:80]} v{version.number}.{extension}",
        public=discussion.is_public,
    )
    # An uploaded file never runs scripts in the site's origin.
    response["Content-Security-Policy"] = "sandbox; default-src 'none'; img-src 'self'"
    return response


patterns = [
    path("", discussion_list, name="list"),
    path("mine/", my_submissions, name="mine"),
    path("follow-territory/", follow_territory, name="follow_territory"),
    path("<int:pk>/", discussion_detail, name="detail"),
    path(
        "<int:pk>/questions/",
        submission_list,
        {"section": "questions"},
        name="questions",
    ),
    path(
        "<int:pk>/proposals/",
        submission_list,
        {"section": "proposals"},
        name="proposals",
    ),
    path("<int:pk>/submit/", submit, name="submit"),
    path("<int:pk>/follow/", follow, name="follow"),
    path("submissions/<int:pk>/", submission_detail, name="submission"),
    path("submissions/<int:pk>/answer/", answer, name="answer"),
    path("materials/<int:pk>/", material_file, name="material_file"),
]
