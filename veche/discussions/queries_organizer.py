"""The read side of the organizer's pages: the discussions a person organizes, the review of one
discussion, the applications of landowners and developers, and the access helpers that decide
who may open these pages (403 for a public discussion, 404 for one the person may not know of)."""

from dataclasses import dataclass

import rules
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404

from veche.accounts.models import User
from veche.discussions.models import (
    Application,
    Discussion,
    ExpertAnswer,
    Material,
    MaterialVersion,
    Stage,
    Submission,
)
from veche.discussions.queries_debate import with_counts
from veche.discussions.rules import ORGANIZER_ROLES
from veche.organizations.models import Membership, Organization
from veche.organizations.rules import organizations_where


def organizer_organizations(user) -> QuerySet[Organization]:
    """Organizations on whose behalf this person organizes discussions."""
    return Organization.objects.filter(
        pk__in=organizations_where(user, roles=ORGANIZER_ROLES), is_active=True
    )


def expert_candidates(organizations, *, also=()) -> QuerySet[User]:
    """People with the expert role in these organizations, and those already chosen."""
    chosen = [user.pk for user in also]
    return (
        User.objects.filter(
            Q(
                memberships__organization__in=organizations,
                memberships__role=Membership.Role.EXPERT,
            )
            | Q(pk__in=chosen)
        )
        .distinct()
        .order_by("last_name", "first_name", "email")
    )


def _discussion(pk: int) -> Discussion:
    discussion = Discussion.objects.select_related("territory", "organizer").filter(pk=pk).first()
    if discussion is None:
        raise Http404
    return discussion


def _refuse(discussion: Discussion):
    # Someone who may not see a draft must not learn that it exists.
    if not discussion.is_public:
        raise Http404
    raise PermissionDenied


def organized_discussion(user, pk: int) -> Discussion:
    """A discussion this person organizes, or 403/404."""
    discussion = _discussion(pk)
    if not rules.has_perm("discussions.manage_discussion", user, discussion):
        _refuse(discussion)
    return discussion


def registered_discussion(user, pk: int) -> Discussion:
    """A discussion whose paper submissions this person registers (an official of its
    organizer), or 403/404."""
    discussion = _discussion(pk)
    if not rules.has_perm("discussions.register_submission", user, discussion):
        _refuse(discussion)
    return discussion


def organized_material(user, pk: int) -> Material:
    material = Material.objects.select_related("discussion").filter(pk=pk).first()
    if material is None:
        raise Http404
    if not rules.has_perm("discussions.manage_discussion", user, material.discussion):
        _refuse(material.discussion)
    return material


def organized_submission(user, pk: int) -> Submission:
    submission = (
        Submission.objects.select_related("discussion__territory", "discussion__organizer")
        .filter(pk=pk)
        .first()
    )
    if submission is None:
        raise Http404
    if not rules.has_perm("discussions.manage_discussion", user, submission.discussion):
        _refuse(submission.discussion)
    return submission


# --- My discussions ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Dashboard:
    drafts: list[Discussion]
    running: list[Discussion]
    concluded: list[Discussion]
    cancelled: list[Discussion]
    pending_applications: int


def organizer_dashboard(user) -> Dashboard:
    """The discussions of the person's organizations, by where they stand, with the counts an
    organizer acts on; one query for all of them."""
    organizations = organizer_organizations(user)
    discussions = (
        Discussion.objects.filter(organizer__in=organizations)
        .select_related("territory", "organizer")
        .annotate(
            submission_count=Count("submissions", filter=Q(submissions__hidden_at__isnull=True)),
            unreviewed_count=Count(
                "submissions",
                filter=Q(submissions__hidden_at__isnull=True, submissions__recommendation=""),
            ),
        )
        .order_by("-created_at", "-pk")
    )
    groups: dict[str, list[Discussion]] = {
        "drafts": [],
        "running": [],
        "concluded": [],
        "cancelled": [],
    }
    for discussion in discussions:
        stage = discussion.stage
        if stage == Stage.DRAFT:
            groups["drafts"].append(discussion)
        elif stage == Stage.CANCELLED:
            groups["cancelled"].append(discussion)
        elif stage in (Stage.CONCLUSION, Stage.ARCHIVE):
            groups["concluded"].append(discussion)
        else:
            groups["running"].append(discussion)
    pending = Application.objects.filter(
        organization__in=organizations, status=Application.Status.PENDING
    ).count()
    return Dashboard(**groups, pending_applications=pending)


# --- Materials --------------------------------------------------------------------------------


def materials_with_versions(discussion: Discussion) -> list[Material]:
    return list(
        discussion.materials.prefetch_related(
            Prefetch(
                "versions",
                queryset=MaterialVersion.objects.select_related("uploaded_by").order_by("-number"),
            ),
            "experts",
        )
    )


# --- Review -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReviewCounts:
    total: int
    unreviewed: int
    questions: int
    unanswered_questions: int

    @property
    def reviewed(self) -> int:
        return self.total - self.unreviewed


def review_counts(discussion: Discussion) -> ReviewCounts:
    answered = ExpertAnswer.objects.filter(submission=OuterRef("pk"))
    counts = (
        discussion.submissions.filter(hidden_at__isnull=True)
        .annotate(answered=Exists(answered))
        .aggregate(
            total=Count("pk"),
            unreviewed=Count("pk", filter=Q(recommendation="")),
            questions=Count("pk", filter=Q(kind=Submission.Kind.QUESTION)),
            unanswered_questions=Count(
                "pk", filter=Q(kind=Submission.Kind.QUESTION, answered=False)
            ),
        )
    )
    return ReviewCounts(**counts)


def review_submissions(discussion: Discussion, *, only_unreviewed: bool = False):
    """Every submission of the discussion as the organizer reviews it, in registration order."""
    queryset = discussion.submissions.filter(hidden_at__isnull=True)
    if only_unreviewed:
        queryset = queryset.filter(recommendation="")
    return (
        with_counts(queryset)
        .select_related("author", "material", "registered_by", "reviewed_by")
        .prefetch_related(
            Prefetch("answers", queryset=ExpertAnswer.objects.select_related("expert"))
        )
        .order_by("number")
    )


def review_submission(submission: Submission) -> Submission:
    """One row of the review, with what the row shows, after it changed."""
    return review_submissions(submission.discussion).get(pk=submission.pk)


# --- Applications -----------------------------------------------------------------------------


def applications_for_organizer(user) -> dict[str, QuerySet[Application]]:
    base = Application.objects.filter(
        organization__in=organizer_organizations(user)
    ).select_related("organization", "territory", "applicant", "discussion", "decided_by")
    return {
        "pending": base.filter(status=Application.Status.PENDING).order_by("created_at", "pk"),
        "decided": base.exclude(status=Application.Status.PENDING).order_by("-decided_at", "-pk"),
    }


def my_applications(user) -> QuerySet[Application]:
    return (
        Application.objects.filter(applicant=user)
        .select_related("organization", "territory", "discussion")
        .order_by("-created_at", "-pk")
    )


def application_for(user, pk: int) -> Application:
    """An application its applicant or an organizer of the authority asked may open."""
    application = (
        Application.objects.select_related("organization", "territory", "applicant")
        .filter(pk=pk)
        .first()
    )
    if application is None or not user.is_authenticated:
        raise Http404
    if not rules.has_perm("discussions.view_application", user, application):
        raise Http404
    return application


def decidable_application(user, pk: int) -> Application:
    application = Application.objects.select_related("organization").filter(pk=pk).first()
    if application is None:
        raise Http404
    if not rules.has_perm("discussions.decide_application", user, application):
        raise PermissionDenied
    return application
