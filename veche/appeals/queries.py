"""Read side of problems and appeals: what lists and pages show, with their joins."""

import datetime
from dataclasses import dataclass

from django.db.models import Avg, Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from veche.appeals.models import (
    UNPUBLISHED,
    Answer,
    AnswerAttachment,
    Appeal,
    Comment,
    ControlPeriod,
    EditProposal,
    Follow,
    Message,
    Problem,
    ProblemPhoto,
    Rating,
    Revision,
    Signature,
    SupplementaryList,
    TakeUp,
)
from veche.appeals.participants import number_here
from veche.appeals.policy import overdue, overdue_q
from veche.appeals.queries_signing import (  # noqa: F401 (what pages and views read from here)
    SIGNING_SECONDS,
    forget_problem_to_sign,
    problem_to_sign,
    reader_standing,
    to_sign_read,
)
from veche.appeals.ratings import counted_ratings, counted_ratings_q
from veche.appeals.rules import take_up_organizations
from veche.appeals.search import search_problems
from veche.core.forms import parse_id
from veche.core.paging import MAX_PAGE
from veche.organizations.models import Organization
from veche.territories.models import Territory

PAGE_SIZE = 20

STATUS_FILTERS = {
    "collecting": Q(current_appeal__status=Appeal.Status.COLLECTING),
    "sent": Q(current_appeal__status__in=[Appeal.Status.SENT, Appeal.Status.REGISTERED]),
    "answered": Q(current_appeal__status=Appeal.Status.ANSWERED),
    "solved": Q(status__in=[Problem.Status.SOLVED, Problem.Status.PARTLY_SOLVED]),
    "unsolved": Q(status=Problem.Status.UNSOLVED),
}


def public_problems() -> QuerySet[Problem]:
    """Published problems that no moderator hid: what lists, search, the API and documents show.
    Drafts and problems held for pre-moderation, or refused there, are nobody's but the
    author's."""
    return Problem.objects.exclude(status__in=UNPUBLISHED).filter(hidden_at__isnull=True)


def unpublished_problem(pk: int) -> Problem:
    """A problem held for pre-moderation or refused there, for its author's page (the rules
    decide who sees it)."""
    return get_object_or_404(
        Problem.objects.filter(status__in=[Problem.Status.AWAITING, Problem.Status.REFUSED])
        .select_related("territory", "category", "current_appeal__organization")
        .prefetch_related("current_appeal__revisions"),
        pk=pk,
    )


def awaiting_problems(limit: int = 50) -> QuerySet[Problem]:
    """Problems held for pre-moderation, the longest waiting first, with what a moderator
    reads of them (the moderators' queue)."""
    return (
        Problem.objects.filter(status=Problem.Status.AWAITING)
        .select_related("author", "current_appeal")
        .prefetch_related("current_appeal__revisions")
        .order_by("created_at", "id")[:limit]
    )


def hidden_problem(pk: int) -> Problem:
    """A published problem a moderator hid, for its page's placeholder (the ground, no text)."""
    return get_object_or_404(
        Problem.objects.exclude(status__in=UNPUBLISHED)
        .filter(hidden_at__isnull=False)
        .select_related("current_appeal"),
        pk=pk,
    )


@dataclass
class Page:
    items: list
    number: int
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1


def filtered_problems(
    *, territory: str = "", organization: str = "", status: str = "", category: str = ""
) -> QuerySet[Problem]:
    """Public problems in a territory (or any inside it), of a category, in a state, or at an
    organization now: the filters of the list page and of the API."""
    queryset = public_problems()
    if territory:
        place = Territory.objects.filter(code=territory).first()
        if place is None:
            return queryset.none()
        queryset = queryset.filter(
            territory_id__in=place.descendants(include_self=True).values("id")
        )
    if organization:
        queryset = queryset.filter(current_appeal__organization__slug=organization)
    if status == "overdue":
        queryset = queryset.filter(overdue_q(timezone.localdate(), prefix="current_appeal__"))
    elif status in STATUS_FILTERS:
        queryset = queryset.filter(STATUS_FILTERS[status])
    if category:
        queryset = queryset.filter(category__slug=category)
    return queryset


NEWEST = ("-published_at", "-id")
# Orders a list of problems may be asked for besides its own (the newest first; the most
# relevant first for a search).
ORDERINGS = {"support": ("-current_appeal__signature_count", *NEWEST)}


def problem_list(
    *,
    q: str = "",
    territory: str = "",
    organization: str = "",
    status: str = "",
    category: str = "",
    sort: str = "",
    page: int = 1,
) -> Page:
    """A page of public problems. No COUNT(*) over the table: one row more tells if there is a
    next page. The page's ids come first (from an index, however deep the page), then only its
    rows are read with what the cards show: the list stays fast with a hundred thousand
    problems (`make benchmark`)."""
    queryset = filtered_problems(
        territory=territory, organization=organization, status=status, category=category
    )
    page = min(max(1, page), MAX_PAGE)  # for callers other than the page, too
    start = (page - 1) * PAGE_SIZE
    if q.strip() and sort not in ORDERINGS:
        ids = search_problems(queryset, q)[start : start + PAGE_SIZE + 1]
    else:
        if q.strip():
            queryset = queryset.filter(pk__in=search_problems(queryset, q))
        ordering = ORDERINGS.get(sort, NEWEST)
        ordered = queryset.order_by(*ordering).values_list("pk", flat=True)
        ids = list(ordered[start : start + PAGE_SIZE + 1])
    found = Problem.objects.select_related(
        "territory", "category", "current_appeal__organization"
    ).in_bulk(ids)
    rows = [found[pk] for pk in ids if pk in found]
    return Page(rows[:PAGE_SIZE], page, len(rows) > PAGE_SIZE)


def map_markers(problems) -> list[dict]:
    """The problems that have a point, as the list's map draws them (no further queries)."""
    return [
        {
            "latitude": float(problem.latitude),
            "longitude": float(problem.longitude),
            "title": problem.title,
            "url": problem.get_absolute_url(),
        }
        for problem in problems
        if problem.latitude is not None and problem.longitude is not None
    ]


# What a page never needs of an author it names (`participants.public_name`), and the shared
# cache, which keeps the problem's page and what it is rendered from, should not hold.
_AUTHOR_UNSHOWN = tuple(
    f"author__{name}"
    for name in ("password", "email", "last_login", "is_superuser", "is_staff", "date_joined")
)


def problem_for_page(pk: int) -> Problem:
    return get_object_or_404(
        public_problems()
        .select_related("territory", "category", "author", "current_appeal__organization")
        .defer(*_AUTHOR_UNSHOWN)
        .annotate(author_number=number_here("author_id", "pk")),
        pk=pk,
    )


def problem_photo(pk: int) -> ProblemPhoto:
    """A photo with its problem, whose visibility it follows (asked of the rules)."""
    return get_object_or_404(ProblemPhoto.objects.select_related("problem"), pk=pk)


def answer_attachment(pk: int) -> AnswerAttachment:
    """A file attached to an answer, with what its visibility depends on."""
    return get_object_or_404(
        AnswerAttachment.objects.select_related("answer__appeal__problem"), pk=pk
    )


# Answers printed as documents for anyone; the others are notices about the course of the appeal.
PUBLIC_ANSWER_KINDS = (Answer.Kind.FINAL, Answer.Kind.INTERIM)


def _appeals_for_documents():
    return Appeal.objects.select_related("problem__author", "problem__territory", "organization")


def public_appeal(appeal_id: int) -> Appeal:
    """An appeal of a published problem, as anyone may print it."""
    return get_object_or_404(
        _appeals_for_documents()
        .exclude(status=Appeal.Status.DRAFT)
        .filter(problem__in=public_problems()),
        pk=appeal_id,
    )


def appeal_by_id(appeal_id: int) -> Appeal:
    return get_object_or_404(_appeals_for_documents(), pk=appeal_id)


def supplementary_list(appeal_id: int, number: int) -> SupplementaryList:
    if parse_id(str(appeal_id)) is None or parse_id(str(number)) is None:
        raise Http404  # a number no column holds names nothing (a foreign key's is not checked)
    return get_object_or_404(
        SupplementaryList.objects.select_related(
            "appeal__problem", "appeal__organization", "organization"
        ),
        appeal_id=appeal_id,
        number=number,
    )


def public_answer(answer_id: int) -> Answer:
    return get_object_or_404(
        Answer.objects.select_related(
            "appeal__problem", "appeal__organization", "organization", "official"
        ).filter(kind__in=PUBLIC_ANSWER_KINDS, appeal__problem__in=public_problems()),
        pk=answer_id,
    )


@dataclass(frozen=True)
class TimelineEvent:
    """One thing that happened to an appeal after it was sent, for the public timeline: an
    answer, a public message to the signatories, control taken or lifted by a head."""

    kind: str  # answer, message, control_taken, control_lifted
    at: datetime.datetime
    item: object


def appeal_history(problem: Problem) -> list[Appeal]:
    """Every appeal of the problem, oldest first, for the public timeline: each with its events
    in order (`events`), the appeal that continued it (`escalated_to`), the deadline its
    addressee is missing now (`late`), and its ratings. A fixed number of queries."""
    appeals = list(
        problem.appeals.select_related("organization")
        .prefetch_related(
            Prefetch(
                "answers",
                queryset=Answer.objects.select_related("organization").prefetch_related(
                    "attachments"
                ),
            ),
            Prefetch(
                "control_periods",
                queryset=ControlPeriod.objects.select_related("organization"),
            ),
            Prefetch(
                "messages",
                queryset=Message.objects.filter(
                    audience=Message.Audience.SIGNATORIES, public=True
                ).order_by("created_at", "id"),
                to_attr="public_messages",
            ),
            Prefetch(
                "take_ups", queryset=TakeUp.objects.select_related("organization", "document")
            ),
            Prefetch(
                "supplementary_lists",
                queryset=SupplementaryList.objects.select_related("organization"),
            ),
        )
        .annotate(
            rating_count=Count("ratings", filter=counted_ratings_q(), distinct=True),
            rating_average=Avg("ratings__score", filter=counted_ratings_q()),
        )
        .order_by("id")
    )
    by_previous = {item.previous_id: item for item in appeals if item.previous_id}
    today = timezone.localdate()
    for item in appeals:
        events = [TimelineEvent("answer", a.created_at, a) for a in item.answers.all()]
        events += [TimelineEvent("message", m.created_at, m) for m in item.public_messages]
        events += [TimelineEvent("taken_up", t.created_at, t) for t in item.take_ups.all()]
        events += [
            TimelineEvent("supplementary_list", supplementary.created_at, supplementary)
            for supplementary in item.supplementary_lists.all()
        ]
        for period in item.control_periods.all():
            events.append(TimelineEvent("control_taken", period.taken_at, period))
            if period.lifted_at:
                events.append(TimelineEvent("control_lifted", period.lifted_at, period))
        item.events = sorted(events, key=lambda event: event.at)
        item.escalated_to = by_previous.get(item.pk)
        item.late = overdue(item, today)
    return appeals


def taken_up_by(history: list[Appeal]) -> list[TakeUp]:
    """The organizations that took the problem up, oldest first, from the appeals' timeline."""
    return sorted(
        (take_up for item in history for take_up in item.take_ups.all()),
        key=lambda take_up: (take_up.created_at, take_up.pk),
    )


def take_up_choices(user, problem: Problem) -> list[Organization]:
    """The organizations this person may take the problem up for, each with `taken`: whether
    it already has."""
    return list(
        Organization.objects.filter(pk__in=take_up_organizations(user, problem), is_active=True)
        .annotate(taken=Exists(TakeUp.objects.filter(problem=problem, organization=OuterRef("pk"))))
        .order_by("slug")
    )


def public_take_up(take_up_id: int) -> TakeUp:
    """A letter taking up a public problem: public itself, as the organization's own act."""
    return get_object_or_404(
        TakeUp.objects.select_related(
            "problem", "appeal", "organization", "addressee", "document"
        ).filter(problem__in=public_problems()),
        pk=take_up_id,
    )


def open_control(appeal: Appeal) -> ControlPeriod | None:
    """The head's control the appeal is under now, with the organization that took it."""
    if not appeal.under_control:
        return None
    return (
        appeal.control_periods.filter(lifted_at__isnull=True).select_related("organization").first()
    )


def appeal_being_rated(history: list[Appeal]) -> Appeal | None:
    """The problem's latest appeal whose answer signatories may rate now: the current one, or an
    earlier one escalated while its rating window is still open."""
    return next((item for item in reversed(history) if item.rating_open), None)


SIGNATORIES_PAGE = 50


@dataclass
class Signatories:
    """A page of signatories, in the order they signed, and where the next page starts."""

    items: list
    next_after: int | None


def signatories(appeal_id: int, *, after: int = 0, size: int = SIGNATORIES_PAGE) -> Signatories:
    """The signatories after signature `after`, a page at a time: read from an index on
    (appeal, id) however many signed, so no page renders or skips the whole crowd."""
    rows = list(
        # The signatures that count: one awaiting the confirmation of a changed text is not a
        # support of the appeal as it stands.
        Signature.objects.counted()
        .filter(appeal_id=appeal_id, id__gt=after)
        .select_related("user", "revision")
        .annotate(number=number_here("user_id", "appeal__problem_id"))
        .order_by("id")[: size + 1]
    )
    return Signatories(rows[:size], rows[size - 1].pk if len(rows) > size else None)


def live_count(problem_id: int) -> Appeal:
    """What the live count shows: the current appeal's count, threshold and status (one query)."""
    return get_object_or_404(
        Appeal.objects.only("signature_count", "signature_threshold", "status", "sent_by_author"),
        pk=public_problems().filter(pk=problem_id).values("current_appeal_id")[:1],
    )


def revisions(appeal: Appeal) -> list[Revision]:
    return list(
        appeal.revisions.select_related("author")
        .defer(*_AUTHOR_UNSHOWN)
        .annotate(author_number=number_here("author_id", "appeal__problem_id"))
        .order_by("number")
    )


def pending_proposals(appeal: Appeal) -> QuerySet[EditProposal]:
    """Co-editors' proposals the author has not decided yet, each with its proposer's number."""
    return (
        appeal.edit_proposals.filter(status=EditProposal.Status.PENDING)
        .select_related("proposer")
        .annotate(proposer_number=number_here("proposer_id", "appeal__problem_id"))
    )


def comment_replied_to(problem: Problem, pk: int) -> Comment | None:
    """The visible top-level comment a reply is being written to."""
    return (
        problem.comments.filter(pk=pk, parent=None, hidden_at__isnull=True)
        .annotate(author_number=number_here("author_id", "problem_id"))
        .first()
    )


def comment_tree(problem: Problem) -> list[tuple[Comment, list[Comment]]]:
    """Top-level comments with their replies (one level deep is shown nested). A comment hidden
    by a moderator keeps its place, shown as a placeholder, so the replies to it stay readable."""
    comments = list(
        problem.comments.select_related("author")
        .annotate(author_number=number_here("author_id", "problem_id"))
        .order_by("created_at", "id")
    )
    replies: dict[int, list[Comment]] = {}
    for comment in comments:
        if comment.parent_id:
            replies.setdefault(comment.parent_id, []).append(comment)
    return [(c, replies.get(c.pk, [])) for c in comments if not c.parent_id]


def ratings_summary(appeal: Appeal) -> dict:
    scores = list(counted_ratings().filter(appeal=appeal).values_list("score", flat=True))
    return {
        "count": len(scores),
        "average": round(sum(scores) / len(scores), 1) if scores else None,
    }


# --- A person's own data (for the personal-data export) ---------------------------------------


def _when(value) -> str | None:
    return value.isoformat() if value else None


def personal_data(user) -> dict:
    """What the person wrote, signed, rated, proposed and follows here: their own data only.
    Other people's contributions appear as numbers of appeals and problems, never as text."""
    problems = (
        Problem.objects.filter(author=user)
        .select_related("category", "territory")
        .prefetch_related(
            Prefetch(
                "appeals",
                queryset=Appeal.objects.select_related("organization").prefetch_related(
                    Prefetch("revisions", queryset=Revision.objects.filter(author=user))
                ),
            ),
            "photos",
        )
        .order_by("id")
    )
    return {
        "problems": [
            {
                "id": problem.pk,
                "title": problem.title,
                "description": problem.description,
                "category": problem.category.slug,
                "territory": problem.territory.code,
                "address": problem.address,
                "latitude": str(problem.latitude) if problem.latitude is not None else None,
                "longitude": str(problem.longitude) if problem.longitude is not None else None,
                "status": problem.status,
                "created_at": _when(problem.created_at),
                "published_at": _when(problem.published_at),
                "closed_at": _when(problem.closed_at),
                "photos": [photo.image.name for photo in problem.photos.all()],
                "appeals": [
                    {
                        "id": appeal.pk,
                        "organization": appeal.organization.slug,
                        "status": appeal.status,
                        "revisions": [
                            {
                                "number": revision.number,
                                "text": revision.text,
                                "note": revision.note,
                                "created_at": _when(revision.created_at),
                            }
                            for revision in appeal.revisions.all()
                        ],
                    }
                    for appeal in problem.appeals.all()
                ],
            }
            for problem in problems
        ],
        "signatures": [
            {
                "appeal": signature.appeal_id,
                "problem": signature.appeal.problem_id,
                "revision": signature.revision.number,
                "signed_at": _when(signature.created_at),
                "withdrawn_at": _when(signature.withdrawn_at),
                # What the addressee received about the person as a co-applicant.
                "full_name": signature.full_name,
                "postal_address": signature.postal_address,
                "email": signature.email,
                "basis": signature.basis,
            }
            for signature in Signature.objects.filter(user=user)
            .select_related("appeal", "revision")
            .order_by("created_at", "id")
        ],
        "edit_proposals": [
            {
                "appeal": proposal.appeal_id,
                "base_revision": proposal.base_revision.number,
                "text": proposal.text,
                "note": proposal.note,
                "status": proposal.status,
                "created_at": _when(proposal.created_at),
                "decided_at": _when(proposal.decided_at),
            }
            for proposal in EditProposal.objects.filter(proposer=user)
            .select_related("base_revision")
            .order_by("created_at", "id")
        ],
        "comments": [
            {
                "problem": comment.problem_id,
                "reply_to": comment.parent_id,
                "text": comment.text,
                "created_at": _when(comment.created_at),
                "hidden_at": _when(comment.hidden_at),
                "hidden_reason": comment.hidden_reason,
            }
            for comment in Comment.objects.filter(author=user).order_by("created_at", "id")
        ],
        "ratings": [
            {
                "appeal": rating.appeal_id,
                "score": rating.score,
                "comment": rating.comment,
                "created_at": _when(rating.created_at),
            }
            for rating in Rating.objects.filter(user=user).order_by("created_at", "id")
        ],
        "messages_sent": [
            {
                "appeal": message.appeal_id,
                "text": message.text,
                "created_at": _when(message.created_at),
            }
            for message in Message.objects.filter(sender=user).order_by("created_at", "id")
        ],
        "follows": [
            {"problem": follow.problem_id, "since": _when(follow.created_at)}
            for follow in Follow.objects.filter(user=user).order_by("created_at", "id")
        ],
    }
