"""The moderators' workspace (not the admin): the queue of reported items, one item with its
reports, its author's history and the acts a moderator may take, and the contests awaiting a
second moderator. The author's page of a decision, where they contest it, and the public record
of moderation are here too."""

import rules
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from veche.core.forms import parse_id
from veche.moderation import queries, services
from veche.moderation.forms import ActionForm, ContestDecisionForm, ContestForm
from veche.moderation.models import Complaint, Contest, Decision, Ground


def _moderator_only(request) -> None:
    if not rules.has_perm("moderation.moderate", request.user):
        raise PermissionDenied(_("This page is for moderators."))


def _may_decide(user, item: queries.QueueItem) -> bool:
    """Whether the person may decide about the item: not when they wrote it."""
    return item.target is None or rules.has_perm("moderation.moderate", user, item.target)


def _marked(user, items: list[queries.QueueItem]) -> list[queries.QueueItem]:
    """The items, each marked with whether this moderator may decide it: the queue leaves what
    they wrote to another moderator."""
    for each in items:
        each.may_decide = _may_decide(user, each)
    return items


@login_required
def queue(request):
    _moderator_only(request)
    user = request.user
    return render(
        request,
        "moderation/queue.html",
        {
            "items": _marked(user, queries.open_queue()),
            "awaiting": _marked(user, queries.awaiting_queue()),
            # Each contest with whether this moderator may decide it: those about their own
            # decision or their own content are left to another moderator.
            "contests": [
                (contest, rules.has_perm("moderation.decide_contest", user, contest))
                for contest in queries.pending_contests()
            ],
        },
    )


def _item_or_404(key: str, pk: str) -> queries.QueueItem:
    item = queries.item_of(key, parse_id(pk) or 0)
    if item is None:
        raise Http404
    return item


def _item_page(request, item, form=None, status=200):
    item.may_decide = _may_decide(request.user, item)
    return render(
        request,
        "moderation/item.html",
        {
            "item": item,
            "open_complaints": [c for c in item.complaints if c.status == Complaint.Status.OPEN],
            "decisions": queries.decisions_about(item),
            "form": form or ActionForm(),
            "grounds": Ground.choices,
            "public_url": item.kind.public_url(item.target),
            "prepublication": queries.prepublication_state(item),
            "max_block_days": settings.VECHE_MODERATION_MAX_BLOCK_DAYS,
        },
        status=status,
    )


@login_required
def item(request, key: str, pk: str):
    _moderator_only(request)
    return _item_page(request, _item_or_404(key, pk))


DONE = {
    Decision.Action.DISMISS: gettext_lazy("The reports were dismissed; the content stays."),
    Decision.Action.HIDE: gettext_lazy("The content is hidden; its author is told why."),
    Decision.Action.RESTORE: gettext_lazy("The content is shown again."),
    Decision.Action.WARN: gettext_lazy("The author is warned."),
    Decision.Action.BLOCK: gettext_lazy("The author is blocked."),
    Decision.Action.LIFT: gettext_lazy("The block is lifted; the person is told why."),
    Decision.Action.APPROVE: gettext_lazy("Approved: it is published, and its author is told."),
    Decision.Action.REFUSE: gettext_lazy("Refused: its author is told the ground."),
}


def _dismiss(moderator, item, data, complaint) -> None:
    open_ones = [c for c in item.complaints if c.status == Complaint.Status.OPEN]
    if not open_ones:
        raise ValidationError(_("There are no open reports about this."))
    for each in open_ones:
        services.dismiss_complaint(moderator=moderator, complaint=each, note=data["note"])


def _lift(moderator, item, data, complaint) -> None:
    if item.history.block is None:
        raise ValidationError(_("This block is no longer in force."))
    services.lift_block(moderator=moderator, block=item.history.block, reason=data["note"])


# What each button of an item's page does: the service it calls, with what it needs.
ACTS = {
    Decision.Action.DISMISS: _dismiss,
    Decision.Action.HIDE: lambda moderator, item, data, complaint: services.hide_content(
        moderator=moderator,
        target=item.target,
        ground=data["ground"],
        note=data["note"],
        complaint=complaint,
    ),
    Decision.Action.RESTORE: lambda moderator, item, data, complaint: services.restore_content(
        moderator=moderator, target=item.target, note=data["note"]
    ),
    Decision.Action.WARN: lambda moderator, item, data, complaint: services.warn_author(
        moderator=moderator,
        target=item.target,
        ground=data["ground"],
        note=data["note"],
        complaint=complaint,
    ),
    Decision.Action.BLOCK: lambda moderator, item, data, complaint: services.block_author(
        moderator=moderator,
        target=item.target,
        ground=data["ground"],
        days=data["days"],
        note=data["note"],
        complaint=complaint,
    ),
    Decision.Action.LIFT: _lift,
    Decision.Action.APPROVE: lambda moderator, item, data, complaint: services.approve_content(
        moderator=moderator, target=item.target, note=data["note"]
    ),
    Decision.Action.REFUSE: lambda moderator, item, data, complaint: services.refuse_content(
        moderator=moderator, target=item.target, ground=data["ground"], note=data["note"]
    ),
}


def _act(moderator, item, data) -> None:
    complaint = next((c for c in item.complaints if c.status == Complaint.Status.OPEN), None)
    ACTS[data["action"]](moderator, item, data, complaint)


@require_POST
@login_required
def act(request, key: str, pk: str):
    _moderator_only(request)
    item = _item_or_404(key, pk)
    if not _may_decide(request.user, item):
        # The page offers no act on one's own content; the services refuse it too.
        raise PermissionDenied(_("You wrote this: another moderator decides about it."))
    form = ActionForm(request.POST)
    if not form.is_valid():
        return _item_page(request, item, form, status=400)
    try:
        _act(request.user, item, form.cleaned_data)
    except ValidationError as error:
        form.add_error(None, error)
        return _item_page(request, item, form, status=400)
    messages.success(request, str(DONE[form.cleaned_data["action"]]))
    return redirect("moderation:queue")


@login_required
def contest(request, pk: str):
    """A contest, for a second moderator to decide (the one who took the decision, or whose
    content it is about, may read it, not decide it)."""
    _moderator_only(request)
    found = get_object_or_404(
        Contest.objects.select_related("decision", "decision__content_type"), pk=parse_id(pk) or 0
    )
    may_decide = rules.has_perm("moderation.decide_contest", request.user, found)
    form = ContestDecisionForm(request.POST or None)
    if request.method == "POST":
        if not may_decide:
            raise PermissionDenied(services.why_not_decide(request.user, found))
        if form.is_valid():
            try:
                services.decide_contest(
                    moderator=request.user,
                    contest=found,
                    uphold=form.cleaned_data["outcome"] == Contest.Outcome.UPHELD,
                    answer=form.cleaned_data["answer"],
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("The contest is decided; the author is told."))
                return redirect("moderation:queue")
    return render(
        request,
        "moderation/contest.html",
        {
            "contest": found,
            "decision": found.decision,
            "kind": queries.kind_of_decision(found.decision),
            "form": form,
            "may_decide": may_decide,
            # Why not, when not: the page says it is about their own content or decision.
            "own_content": rules.has_perm(
                "moderation.contest_decision", request.user, found.decision
            ),
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
def decision(request, pk: str):
    """The author's page of a decision against them: what, on which ground, by whom (the role),
    and the one contest they may make."""
    found = get_object_or_404(
        Decision.objects.select_related("content_type"),
        pk=parse_id(pk) or 0,
        action__in=(*Decision.AGAINST_AUTHOR, *Decision.FOR_AUTHOR),
    )
    is_author = rules.has_perm("moderation.contest_decision", request.user, found)
    if not is_author and not rules.has_perm("moderation.moderate", request.user):
        raise Http404
    existing = Contest.objects.filter(decision=found).first()
    form = ContestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.contest_decision(
                user=request.user, decision=found, text=form.cleaned_data["text"]
            )
        except (ValidationError, PermissionDenied) as error:
            form.add_error(None, " ".join(getattr(error, "messages", None) or [str(error)]))
        else:
            messages.success(request, _("Your objection is sent; another moderator will decide."))
            return redirect(reverse("moderation:decision", args=[found.pk]))
    kind = queries.kind_of_decision(found)
    return render(
        request,
        "moderation/decision.html",
        {
            "decision": found,
            "kind": kind,
            "contest": existing,
            "form": form,
            "is_author": is_author,
            "may_contest": is_author
            and found.may_be_contested
            and existing is None
            and services.within_contest_window(found),
        },
        status=400 if request.method == "POST" else 200,
    )


def record(request):
    """The public record of moderation: decisions by ground and month, and the rules."""
    return render(
        request,
        "moderation/record.html",
        {"months": queries.record_by_month(), "grounds": Ground.choices},
    )
