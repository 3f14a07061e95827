"""Read side of problems and appeals: what lists and pages show, with their joins."""

from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from veche.appeals.models import Answer, Appeal, Comment, Problem, Revision, Signature
from veche.appeals.search import search_problems
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
    return Problem.objects.exclude(status=Problem.Status.DRAFT)


@dataclass
class Page:
    items: list
    number: int
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1


def problem_list(
    *,
    q: str = "",
    territory: str = "",
    organization: str = "",
    status: str = "",
    category: str = "",
    page: int = 1,
) -> Page:
    """A page of public problems. No COUNT(*) over the table: one row more tells if there is a
    next page, so the list stays fast with a hundred thousand problems."""
    queryset = public_problems()
    if territory:
        place = Territory.objects.filter(code=territory).first()
        if place is None:
            return Page([], 1, False)
        queryset = queryset.filter(
            territory_id__in=place.descendants(include_self=True).values("id")
        )
    if organization:
        queryset = queryset.filter(current_appeal__organization__slug=organization)
    if status == "overdue":
        queryset = queryset.filter(
            current_appeal__status__in=[Appeal.Status.SENT, Appeal.Status.REGISTERED],
            current_appeal__due_date__lt=timezone.localdate(),
        )
    elif status in STATUS_FILTERS:
        queryset = queryset.filter(STATUS_FILTERS[status])
    if category:
        queryset = queryset.filter(category__slug=category)
    queryset = queryset.select_related("territory", "category", "current_appeal__organization")
    if q.strip():
        queryset = search_problems(queryset, q)
    else:
        queryset = queryset.order_by("-published_at", "-id")
    page = max(1, page)
    start = (page - 1) * PAGE_SIZE
    rows = list(queryset[start : start + PAGE_SIZE + 1])
    return Page(rows[:PAGE_SIZE], page, len(rows) > PAGE_SIZE)


def problem_for_page(pk: int) -> Problem:
    return get_object_or_404(
        public_problems().select_related(
            "territory", "category", "author", "current_appeal__organization"
        ),
        pk=pk,
    )


def appeal_history(problem: Problem) -> list[Appeal]:
    """Every appeal of the problem, oldest first, with answers, for the history block."""
    return list(
        problem.appeals.select_related("organization")
        .prefetch_related(
            Prefetch(
                "answers",
                queryset=Answer.objects.select_related("organization").prefetch_related(
                    "attachments"
                ),
            ),
        )
        .annotate(rating_count=Count("ratings", distinct=True))
        .order_by("id")
    )


def public_signatures(appeal: Appeal, limit: int = 200) -> list[Signature]:
    return list(
        Signature.objects.filter(appeal=appeal, withdrawn_at__isnull=True)
        .select_related("user", "revision")
        .order_by("created_at", "id")[:limit]
    )


def revisions(appeal: Appeal) -> list[Revision]:
    return list(appeal.revisions.select_related("author").order_by("number"))


def comment_tree(problem: Problem) -> list[tuple[Comment, list[Comment]]]:
    """Top-level comments with their replies (one level deep is shown nested)."""
    comments = list(
        problem.comments.filter(hidden_at__isnull=True)
        .select_related("author")
        .order_by("created_at", "id")
    )
    replies: dict[int, list[Comment]] = {}
    for comment in comments:
        if comment.parent_id:
            replies.setdefault(comment.parent_id, []).append(comment)
    return [(c, replies.get(c.pk, [])) for c in comments if not c.parent_id]


def ratings_summary(appeal: Appeal) -> dict:
    scores = list(appeal.ratings.values_list("score", flat=True))
    return {
        "count": len(scores),
        "average": round(sum(scores) / len(scores), 1) if scores else None,
    }
