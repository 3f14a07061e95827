"""The slowest on the dashboard: the questions waiting longest for the experts, and the experts
whose median answer time is longest, among the discussions the person sees (after the filters).
Three queries whatever the number of discussions, questions or experts."""

import statistics
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Min

from veche.discussions.models import Discussion, ExpertAnswer, Submission

LIMIT = 10


def waiting_questions(discussion_ids, *, limit: int = LIMIT) -> list[Submission]:
    """Questions with no answer yet, while the experts may still answer them, oldest first."""
    return list(
        Submission.objects.filter(
            discussion_id__in=discussion_ids,
            kind=Submission.Kind.QUESTION,
            answers__isnull=True,
            hidden_at__isnull=True,
            discussion__protocol_signed_at__isnull=True,
            discussion__status=Discussion.Status.PUBLISHED,
        )
        .select_related("discussion")
        .only("pk", "registration_number", "created_at", "discussion__title")
        .order_by("created_at", "pk")[:limit]
    )


@dataclass(frozen=True)
class SlowExpert:
    expert: object  # a User
    answered: int
    median_hours: float


def slow_experts(discussion_ids, *, limit: int = LIMIT) -> list[SlowExpert]:
    """Each expert's median time from a question to their first answer to it, longest first."""
    firsts = (
        ExpertAnswer.objects.filter(
            submission__discussion_id__in=discussion_ids,
            submission__kind=Submission.Kind.QUESTION,
        )
        .values("expert_id", "submission_id", "submission__created_at")
        .annotate(first=Min("created_at"))
        .order_by()
    )
    delays: dict[int, list[float]] = {}
    for row in firsts:
        hours = (row["first"] - row["submission__created_at"]).total_seconds() / 3600
        delays.setdefault(row["expert_id"], []).append(hours)
    ranked = sorted(
        ((statistics.median(hours), len(hours), pk) for pk, hours in delays.items()),
        key=lambda item: (-item[0], item[2]),
    )[:limit]
    users = get_user_model().objects.in_bulk([pk for _median, _count, pk in ranked])
    return [
        SlowExpert(expert=users[pk], answered=count, median_hours=round(median, 1))
        for median, count, pk in ranked
    ]
