"""The read side of discussions: what the public and participants see, with their queries."""

import datetime
import math
import statistics
from dataclasses import dataclass

import rules
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Count, Min, Prefetch, Q, QuerySet, prefetch_related_objects
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from veche.discussions.models import (
    Application,
    Discussion,
    ExpertAnswer,
    Follow,
    Material,
    MaterialVersion,
    RecordBuild,
    Stage,
    Submission,
)
from veche.identity.eligibility import legal_entity_of
from veche.identity.models import EligibilityRule


def public_discussions() -> QuerySet[Discussion]:
    """Published or cancelled discussions whose notice has come out, for anyone."""
    return Discussion.objects.filter(
        status__in=(Discussion.Status.PUBLISHED, Discussion.Status.CANCELLED)
    ).select_related("territory", "organizer")


def visible_discussion(user, pk: int) -> Discussion:
    """A discussion this person may see: public ones after their notice, drafts and scheduled
    ones only to their organizers."""
    discussion = (
        Discussion.objects.select_related("territory", "organizer", "created_by", "application")
        .filter(pk=pk)
        .first()
    )
    if discussion is None:
        raise Http404
    if not discussion.is_public and not rules.has_perm(
        "discussions.manage_discussion", user, discussion
    ):
        raise Http404
    return discussion


def current_discussions(territory=None, limit: int | None = None) -> list[Discussion]:
    """Running discussions (announced to review), soonest deadline first."""
    today = timezone.localdate()
    queryset = public_discussions().filter(
        status=Discussion.Status.PUBLISHED,
        conclusion_published_at__isnull=True,
        notice_date__lte=today + datetime.timedelta(days=1),
    )
    if territory is not None:
        queryset = queryset.filter(territory__path__startswith=territory.path)
    queryset = queryset.annotate(
        submission_count=Count("submissions", filter=Q(submissions__hidden_at__isnull=True))
    ).order_by("intake_end", "pk")
    order = {Stage.INTAKE: 0, Stage.EXPOSITION: 1, Stage.ANNOUNCED: 2, Stage.REVIEW: 3}
    found = sorted(
        (d for d in queryset if d.is_public), key=lambda d: order.get(d.stage, len(order))
    )
    return found[:limit] if limit else found


def materials_of(discussion: Discussion) -> list[Material]:
    return list(
        discussion.materials.prefetch_related(
            Prefetch("versions", queryset=MaterialVersion.objects.order_by("-number"))
        )
    )


# A discussion page shows the first submissions of each section; its lists page through the rest.
SUBMISSIONS_PREVIEW = 10
SUBMISSIONS_PAGE = 50


@dataclass(frozen=True)
class SubmissionCounts:
    """The public submissions of a discussion: questions to the experts, and proposals and
    remarks."""

    questions: int
    proposals: int


def submission_counts(discussion: Discussion) -> SubmissionCounts:
    # Hidden ones too: they keep their place in the list, the ground shown for the text.
    counted = discussion.submissions.aggregate(
        questions=Count("pk", filter=Q(kind=Submission.Kind.QUESTION)),
        proposals=Count("pk", filter=~Q(kind=Submission.Kind.QUESTION)),
    )
    return SubmissionCounts(questions=counted["questions"], proposals=counted["proposals"])


def public_submissions(discussion: Discussion, *, questions: bool) -> QuerySet[Submission]:
    """The questions (or else the proposals and remarks) the public sees, in registration order;
    slice it for a page: its authors and documents come in the same query, the experts' answers
    in one more (`with_answers`), whatever the page holds."""
    kind = Q(kind=Submission.Kind.QUESTION)
    return (
        discussion.submissions.filter(kind if questions else ~kind)
        .select_related("author", "material")
        .order_by("number")
    )


def with_answers(*pages) -> list[list[Submission]]:
    """The pages of submissions as lists, the experts' answers of all of them in one query."""
    pages = [list(page) for page in pages]
    prefetch_related_objects(
        [submission for page in pages for submission in page],
        Prefetch("answers", queryset=ExpertAnswer.objects.order_by("created_at", "id")),
    )
    return pages


def submission_for(user, pk: int) -> Submission:
    submission = (
        Submission.objects.select_related(
            "discussion__territory", "discussion__organizer", "author"
        )
        .filter(pk=pk)
        .first()
    )
    if submission is None:
        raise Http404
    discussion = submission.discussion
    # A hidden one stays at its address, its text masked for all but its author.
    own = user.is_authenticated and submission.author_id == user.pk
    if (
        not own
        and not discussion.is_public
        and not rules.has_perm("discussions.manage_discussion", user, discussion)
    ):
        raise Http404
    return submission


def my_submissions(user) -> QuerySet[Submission]:
    return (
        Submission.objects.filter(author=user)
        .select_related("discussion")
        .annotate(answer_count=Count("answers"))
        .order_by("-created_at")
    )


@dataclass(frozen=True)
class ExpertSpeed:
    answered: int
    waiting: int
    median_hours: float | None
    oldest_waiting_since: object  # datetime or None
    # Nine answers in ten came within this many hours (the nearest-rank 90th percentile).
    p90_hours: float | None = None


def expert_speed(discussion: Discussion) -> ExpertSpeed:
    """How fast the experts answer: the median and 90th-percentile time to the first answer, and
    the oldest question still waiting."""
    questions = discussion.submissions.filter(
        kind=Submission.Kind.QUESTION, hidden_at__isnull=True
    ).annotate(first_answer=Min("answers__created_at"))
    delays, waiting, oldest = [], 0, None
    for created_at, first_answer in questions.values_list("created_at", "first_answer"):
        if first_answer is None:
            waiting += 1
            oldest = created_at if oldest is None or created_at < oldest else oldest
        else:
            delays.append((first_answer - created_at).total_seconds() / 3600)
    return ExpertSpeed(
        answered=len(delays),
        waiting=waiting,
        median_hours=round(statistics.median(delays), 1) if delays else None,
        oldest_waiting_since=oldest,
        p90_hours=round(percentile(delays, 90), 1) if delays else None,
    )


def percentile(values: list[float], percent: int) -> float:
    """The nearest-rank percentile: the smallest value that `percent` % of the values do not
    exceed (one of the values, never an interpolation)."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(percent / 100 * len(ordered)) - 1)]


def _past() -> QuerySet[Discussion]:
    """Discussions that are over: concluded, or cancelled after they were published."""
    return public_discussions().filter(
        Q(status=Discussion.Status.PUBLISHED, conclusion_published_at__isnull=False)
        | Q(status=Discussion.Status.CANCELLED, published_at__isnull=False)
    )


def archived_discussions(
    *, territory=None, kind: str = "", year: int | None = None, text: str = ""
) -> QuerySet[Discussion]:
    """The public archive, newest first. `territory` takes in everything inside it; `year` is
    the year the exposition opened; `text` is looked for in the title and the description."""
    queryset = _past()
    if territory is not None:
        queryset = queryset.filter(territory__path__startswith=territory.path)
    if kind:
        queryset = queryset.filter(kind=kind)
    if year:
        queryset = queryset.filter(exposition_start__year=year)
    if text:
        queryset = queryset.filter(_words_in(text, "title", "description"))
    return queryset.annotate(
        submission_count=Count("submissions", filter=Q(submissions__hidden_at__isnull=True))
    ).order_by("-exposition_start", "-pk")


def _words_in(text: str, *fields: str) -> Q:
    """Case-insensitive containment. SQLite folds the case of Latin letters only, so there the
    usual spellings of the text (as typed, lower case, capitalised, upper case) are looked for."""
    spellings = {text}
    if connection.vendor == "sqlite":
        spellings |= {text.lower(), text.capitalize(), text.upper()}
    condition = Q()
    for field in fields:
        for spelling in spellings:
            condition |= Q(**{f"{field}__icontains": spelling})
    return condition


def archive_years() -> list[int]:
    return [day.year for day in _past().dates("exposition_start", "year", "DESC")]


def personal_data(user) -> dict:
    """The person's submissions, applications and follows, for the personal-data export."""

    def when(value):
        return value.isoformat() if value else None

    return {
        "discussion_submissions": [
            {
                "discussion": submission.discussion_id,
                "registration_number": submission.registration_number,
                "kind": submission.kind,
                "text": submission.text,
                "material": submission.material_id,
                "page": submission.page,
                "as_legal_entity": submission.as_legal_entity,
                "participant_number": submission.participant_number,
                # The identification data the protocol records about the participant.
                "identification": submission.participant,
                "basis": submission.basis,
                "channel": submission.channel,
                "registered_at": when(submission.created_at),
                "recommendation": submission.recommendation,
                "recommendation_reason": submission.recommendation_reason,
            }
            for submission in Submission.objects.filter(author=user).order_by("created_at", "id")
        ],
        "discussion_applications": [
            {
                "id": application.pk,
                "organization": application.organization.slug,
                "legal_entity": application.legal_entity,
                "subject": application.subject,
                "title": application.title,
                "description": application.description,
                "territory": application.territory.code,
                "document": application.document.name,
                "status": application.status,
                "reason": application.reason,
                "filed_at": when(application.created_at),
                "decided_at": when(application.decided_at),
                "discussion": application.discussion_id,
            }
            for application in Application.objects.filter(applicant=user)
            .select_related("organization", "territory")
            .order_by("created_at", "id")
        ],
        "discussion_follows": [
            {
                "discussion": follow.discussion_id,
                "territory": follow.territory.code if follow.territory_id else None,
                "since": when(follow.created_at),
            }
            for follow in Follow.objects.filter(user=user)
            .select_related("territory")
            .order_by("created_at", "id")
        ],
    }


def eligibility_of(discussion: Discussion) -> EligibilityRule | None:
    return (
        EligibilityRule.objects.filter(
            action=EligibilityRule.Action.SUBMIT,
            content_type=ContentType.objects.get_for_model(Discussion),
            object_id=discussion.pk,
        )
        .prefetch_related("territories")
        .first()
    )


def identification_of(user, *, as_legal_entity: bool) -> dict:
    """The identification data docs/rules.md asks of a participant, from the verified identity."""
    verifications = list(
        user.verifications.filter(revoked_at__isnull=True)
        .select_related("territory")
        .order_by("-level", "-verified_at")
    )
    now = timezone.now()
    valid = [v for v in verifications if v.is_valid_on(now)]
    best = valid[0] if valid else None
    data = {
        "full_name": next((v.full_name for v in valid if v.full_name), "") or user.full_name,
        "birthdate": next((v.birthdate.isoformat() for v in valid if v.birthdate), ""),
        "address": next((v.address for v in valid if v.address), ""),
        "territory": next((v.territory.title for v in valid if v.territory_id), ""),
        "verification": best.get_source_display() if best else "",
        "verified_at": best.verified_at.isoformat() if best else "",
    }
    if as_legal_entity:
        entity = legal_entity_of(user, now)
        if entity is None:
            raise ValidationError(
                _(
                    "No legal entity is verified for your account: sign in through the "
                    "identity provider as the entity's representative."
                )
            )
        data |= {
            "legal_name": entity.name,
            "ogrn": entity.ogrn,
            "legal_address": entity.address,
        }
    return data


def unreviewed(discussion: Discussion):
    return discussion.submissions.filter(recommendation="", hidden_at__isnull=True)


def may_build(discussion: Discussion, kind: str) -> bool:
    """Whether a document of `kind` can be built now: the draft protocol until the protocol is
    signed, the conclusion's copy once it is; the signed protocol and the published conclusion
    again only when their build failed."""
    Kind = RecordBuild.Kind
    signed, published = discussion.protocol_signed_at, discussion.conclusion_published_at
    return {
        Kind.DRAFT_PROTOCOL: not signed,
        Kind.ANNEX: True,
        Kind.PROTOCOL_DOCX: True,
        Kind.CONCLUSION_DOCX: bool(signed),
        Kind.PROTOCOL: bool(signed) and not discussion.protocol_file,
        Kind.CONCLUSION: bool(published) and not discussion.conclusion_file,
    }.get(kind, False)
