"""Advisory votes of a discussion: the page where people vote and see the results after the
close, and the organizer's page of questions with the turnout so far (never the choices)."""

import rules
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from veche.core.forms import parse_id, put_errors
from veche.discussions import queries, queries_organizer, queries_votes, services
from veche.discussions.forms_organizer.votes import VoteQuestionForm
from veche.discussions.models import VoteQuestion
from veche.discussions.queries_votes import RANK_METHOD
from veche.discussions.views.organizer._common import page as organizer_page
from veche.discussions.views.public import _flash_errors


def votes(request, pk: int):
    discussion = queries.visible_discussion(request.user, pk)
    organizer = rules.has_perm("discussions.manage_discussion", request.user, discussion)
    shown = queries_votes.panel(request.user, discussion, organizer=organizer)
    if not shown:
        raise Http404
    # One refusal for the page: the same rule of taking part answers for every open question.
    refusal = next(
        (view.decision for view in shown if view.question.state == "open" and not view.decision),
        None,
    )
    return render(
        request,
        "discussions/votes/page.html",
        {
            "discussion": discussion,
            "shown": shown,
            "refusal": refusal,
            "is_organizer": organizer,
            "rank_method": RANK_METHOD,
        },
    )


def _answer(request, question: VoteQuestion) -> list:
    if question.kind != VoteQuestion.Kind.RANK:
        return request.POST.getlist("answer")
    places = {}
    for option in question.options.all():
        place = parse_id(request.POST.get(f"place-{option.pk}"))
        if place is None:
            return []
        places[option.pk] = place
    if sorted(places.values()) != list(range(1, len(places) + 1)):
        return []  # refused with "Give each option its own place."
    return sorted(places, key=places.get)


@login_required
@require_POST
def vote(request, pk: int):
    question = get_object_or_404(VoteQuestion.objects.select_related("discussion"), pk=pk)
    question.discussion = queries.visible_discussion(request.user, question.discussion_id)
    try:
        changed = services.cast_vote(
            user=request.user, question=question, answer=_answer(request, question)
        )
    except (ValidationError, PermissionDenied) as error:
        _flash_errors(request, error)
    else:
        messages.success(
            request,
            _("Your ballot is changed.") if changed else _("Your ballot is counted."),
        )
    back = reverse("discussions:votes", args=[question.discussion_id])
    return redirect(f"{back}#question-{question.pk}")


def _questions_page(request, discussion, form=None, status=200):
    shown = queries_votes.panel(request.user, discussion, organizer=True)
    return organizer_page(
        request,
        "discussions/votes/organizer.html",
        discussion,
        "vote_questions",
        {
            "shown": shown,
            "form": form or VoteQuestionForm(discussion=discussion),
            "editable": discussion.stage in services.voting.EDITABLE_STAGES,
        },
        status=status,
    )


@login_required
def vote_questions(request, pk: int):
    discussion = queries_organizer.organized_discussion(request.user, pk)
    if request.method != "POST":
        return _questions_page(request, discussion)
    form = VoteQuestionForm(request.POST, discussion=discussion)
    if form.is_valid():
        fields, options = form.question_fields()
        try:
            services.add_question(
                user=request.user, discussion=discussion, fields=fields, options=options
            )
        except ValidationError as error:
            put_errors(form, error, default_field=None)
        else:
            messages.success(request, _("The question is added."))
            return redirect("discussions:vote_questions", discussion.pk)
    return _questions_page(request, discussion, form=form, status=400)


@login_required
def change_vote_question(request, pk: int):
    question = get_object_or_404(VoteQuestion.objects.select_related("discussion"), pk=pk)
    discussion = queries_organizer.organized_discussion(request.user, question.discussion_id)
    form = VoteQuestionForm(
        request.POST if request.method == "POST" else None, discussion=discussion, question=question
    )
    if request.method == "POST" and form.is_valid():
        fields, options = form.question_fields()
        try:
            services.change_question(
                user=request.user, question=question, fields=fields, options=options
            )
        except ValidationError as error:
            put_errors(form, error, default_field=None)
        else:
            messages.success(request, _("The question is saved."))
            return redirect("discussions:vote_questions", discussion.pk)
    return organizer_page(
        request,
        "discussions/votes/change.html",
        discussion,
        "vote_questions",
        {"question": question, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def remove_vote_question(request, pk: int):
    question = get_object_or_404(VoteQuestion.objects.select_related("discussion"), pk=pk)
    discussion = queries_organizer.organized_discussion(request.user, question.discussion_id)
    try:
        services.remove_question(user=request.user, question=question)
    except ValidationError as error:
        _flash_errors(request, error)
    else:
        messages.success(request, _("The question is removed."))
    return redirect("discussions:vote_questions", discussion.pk)


patterns = [
    path("<int:pk>/votes/", votes, name="votes"),
    path("vote-questions/<int:pk>/vote/", vote, name="vote"),
    path("<int:pk>/vote-questions/", vote_questions, name="vote_questions"),
    path("vote-questions/<int:pk>/edit/", change_vote_question, name="change_vote_question"),
    path("vote-questions/<int:pk>/remove/", remove_vote_question, name="remove_vote_question"),
]
