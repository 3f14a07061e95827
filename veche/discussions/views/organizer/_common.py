"""What the organizer's pages share: reading a POST, putting a service's refusal onto a form,
and the tabs of one discussion."""

from dataclasses import dataclass

import rules
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy

from veche.core.forms import put_errors  # noqa: F401  (the organizer's views take it from here)
from veche.discussions.models import Discussion, Stage

REVIEWABLE = (Stage.INTAKE, Stage.REVIEW)
RUNNING = (Stage.SCHEDULED, Stage.ANNOUNCED, Stage.EXPOSITION, Stage.INTAKE, Stage.REVIEW)
CONCLUDED = (Stage.CONCLUSION, Stage.ARCHIVE)


def posted(request):
    """The submitted data of a POST (even an empty one), None for a GET."""
    return request.POST if request.method == "POST" else None


def refused_status(request) -> int:
    """A page shown again after a POST means the change was refused: 400, not 200."""
    return 400 if request.method == "POST" else 200


# --- Tabs of one discussion -------------------------------------------------------------------


@dataclass(frozen=True)
class Tab:
    key: str  # the URL name, in the "discussions" namespace, taking the discussion's pk
    label: str
    shown_at: frozenset  # the stages at which the page is offered
    hearing_only: bool = False  # a public hearing's meeting of participants


TABS = (
    Tab("edit", gettext_lazy("Draft"), frozenset({Stage.DRAFT})),
    Tab("materials", gettext_lazy("Materials"), frozenset(Stage.values)),
    Tab("publish", gettext_lazy("Publish"), frozenset({Stage.DRAFT})),
    Tab("move_date", gettext_lazy("Schedule"), frozenset(RUNNING)),
    Tab("meeting", gettext_lazy("Meeting"), frozenset(Stage.values) - {Stage.DRAFT}, True),
    Tab("vote_questions", gettext_lazy("Votes"), frozenset(Stage.values)),
    Tab("review", gettext_lazy("Review"), frozenset(Stage.values) - {Stage.DRAFT}),
    Tab("register_submission", gettext_lazy("Paper submission"), frozenset(REVIEWABLE)),
    Tab("progress", gettext_lazy("Progress"), frozenset(CONCLUDED)),
    Tab("records", gettext_lazy("Documents"), frozenset(Stage.values) - {Stage.DRAFT}),
)


def tabs_for(
    discussion: Discussion, current: str = "", stage: str | None = None, *, organizer=True
) -> list[dict]:
    """The organizer's pages of this discussion that make sense at its stage; an official who
    only registers paper submissions gets that page alone."""
    stage = stage or discussion.stage
    return [
        {
            "key": tab.key,
            "label": tab.label,
            "url": reverse(f"discussions:{tab.key}", args=[discussion.pk]),
            "current": tab.key == current,
        }
        for tab in TABS
        if stage in tab.shown_at
        and (organizer or tab.key == "register_submission")
        and (not tab.hearing_only or discussion.kind == Discussion.Kind.HEARING)
    ]


def cabinet_bar(user) -> dict:
    """What the cabinet's bar above the organizer's pages offers this person."""
    return {
        "hide_inbox": not user.has_perm("cabinet.enter"),
        "show_subordinates": user.has_perm("cabinet.see_subordinates"),
        "show_econtrol": user.has_perm("reporting.view_dashboard"),
    }


def page(request, template: str, discussion: Discussion, tab: str, context: dict, status=200):
    stage = discussion.stage
    organizer = rules.has_perm("discussions.manage_discussion", request.user, discussion)
    return render(
        request,
        template,
        {
            "discussion": discussion,
            "stage": stage,
            "is_organizer": organizer,
            "tabs": tabs_for(discussion, tab, stage, organizer=organizer),
            **cabinet_bar(request.user),
            **context,
        },
        status=status,
    )
