"""Public ratings of organizations: answer quality and deadlines kept, live from the data.

A Bayesian average pulls an organization with few ratings towards the city-wide mean, so one
enthusiastic vote does not make a leader; the on-time share is smoothed the same way.

Every rating counts, whenever in its window it was given: closing or escalating an appeal does
not end the window (`Appeal.rating_open`). An appeal the author escalated because its addressee
missed a deadline counts as an answer not given on time: escalation does not wipe the miss off.
"""

from dataclasses import dataclass

from django.conf import settings
from django.db.models import Avg, Count, Q, Sum

from veche.appeals.models import Appeal, Rating


@dataclass(frozen=True)
class OrganizationScore:
    organization: object
    ratings: int
    average: float | None
    bayesian: float
    answered: int
    on_time: int
    # Escalated by the author when the addressee let a deadline pass without answering.
    missed: int
    on_time_share: float
    overdue_now: int
    score: float

    @property
    def judged(self) -> int:
        """The appeals whose deadline is behind them: answered, or escalated as overdue."""
        return self.answered + self.missed


def _global_mean() -> float:
    value = Rating.objects.aggregate(mean=Avg("score"))["mean"]
    return float(value) if value is not None else 3.0


def scores(organizations) -> list[OrganizationScore]:
    """Scores of the given organizations, best first."""
    from django.utils import timezone

    prior = settings.VECHE_RATING_PRIOR_WEIGHT
    mean = _global_mean()
    ids = [o.pk for o in organizations]
    rating_rows = {
        row["appeal__organization"]: row
        for row in Rating.objects.filter(appeal__organization__in=ids)
        .values("appeal__organization")
        .annotate(n=Count("id"), total=Sum("score"))
    }
    appeal_rows = {
        row["organization"]: row
        for row in Appeal.objects.filter(organization__in=ids)
        .values("organization")
        .annotate(
            answered=Count("id", filter=Q(answered_at__isnull=False)),
            on_time=Count("id", filter=Q(answered_on_time=True)),
            missed=Count("id", filter=Q(answered_at__isnull=True) & ~Q(missed_deadline="")),
            overdue=Count(
                "id",
                filter=Q(
                    status__in=[Appeal.Status.SENT, Appeal.Status.REGISTERED],
                    due_date__lt=timezone.localdate(),
                ),
            ),
        )
    }
    result = []
    for organization in organizations:
        rated = rating_rows.get(organization.pk, {"n": 0, "total": 0})
        kept = appeal_rows.get(
            organization.pk, {"answered": 0, "on_time": 0, "missed": 0, "overdue": 0}
        )
        judged = kept["answered"] + kept["missed"]
        bayesian = (prior * mean + (rated["total"] or 0)) / (prior + rated["n"])
        on_time_share = (kept["on_time"] + prior * 0.5) / (judged + prior)
        score = 100 * (0.6 * (bayesian - 1) / 4 + 0.4 * on_time_share)
        result.append(
            OrganizationScore(
                organization=organization,
                ratings=rated["n"],
                average=round(rated["total"] / rated["n"], 2) if rated["n"] else None,
                bayesian=round(bayesian, 2),
                answered=kept["answered"],
                on_time=kept["on_time"],
                missed=kept["missed"],
                on_time_share=round(kept["on_time"] / judged, 3) if judged else 0.0,
                overdue_now=kept["overdue"],
                score=round(score, 1),
            )
        )
    return sorted(result, key=lambda s: (-s.score, s.organization.pk))
