"""Public ratings of organizations: answer quality and deadlines kept, live from the data.

A Bayesian average pulls an organization with few ratings towards the city-wide mean, so one
enthusiastic vote does not make a leader; the share of deadlines kept is smoothed the same way,
and an appeal left past its due date counts as a deadline missed while it waits, so an
organization that does not answer cannot keep a good score by silence.

The league table (`league`) ranks every organization answering on a territory or inside it:
those with jurisdiction or a declared responsibility there, above it (they answer for it too) or
below it (a district's administration on the city's table). Organizations with nothing to judge
yet are listed apart, unranked, rather than given the neutral prior's middling score.

Every rating counts, whenever in its window it was given: closing or escalating an appeal does
not end the window (`Appeal.rating_open`). An appeal the author escalated because its addressee
missed a deadline counts as a deadline missed: escalation does not wipe the miss off.
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import get_language

from veche.appeals.models import Appeal, Rating, Responsibility
from veche.core.release import keyed
from veche.organizations.models import Organization
from veche.organizations.queries import public_organizations
from veche.territories.models import Territory


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
    on_time_share: float  # of the deadlines that came: answers given, and appeals overdue now
    overdue_now: int
    answer_days: int | None  # mean whole days from sending to the answer
    score: float

    @property
    def deadlines(self) -> int:
        """Deadlines that have come: appeals answered, those waiting past
        their due date, and those escalated because it passed."""
        return self.answered + self.overdue_now + self.missed

    @property
    def judged(self) -> bool:
        """Whether there is anything to rank it by: a rating, or a deadline that came."""
        return bool(self.ratings or self.deadlines)


def _global_mean() -> float:
    value = Rating.objects.aggregate(mean=Avg("score"))["mean"]
    return float(value) if value is not None else 3.0


def _days(value) -> int | None:
    if value is None:
        return None
    if not isinstance(value, datetime.timedelta):  # a backend that averages microseconds
        value = datetime.timedelta(microseconds=float(value))
    return round(value.total_seconds() / 86400)


def scores(organizations) -> list[OrganizationScore]:
    """Scores of the given organizations, best first: three queries, however many they are."""
    prior = settings.VECHE_RATING_PRIOR_WEIGHT
    mean = _global_mean()
    ids = [o.pk for o in organizations]
    rating_rows = {
        row["appeal__organization"]: row
        for row in Rating.objects.filter(appeal__organization__in=ids)
        .values("appeal__organization")
        .annotate(n=Count("id"), total=Sum("score"))
    }
    answer_time = ExpressionWrapper(F("answered_at") - F("sent_at"), output_field=DurationField())
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
            answer_time=Avg(
                answer_time, filter=Q(answered_at__isnull=False, sent_at__isnull=False)
            ),
        )
    }
    empty = {"answered": 0, "on_time": 0, "missed": 0, "overdue": 0, "answer_time": None}
    result = []
    for organization in organizations:
        rated = rating_rows.get(organization.pk, {"n": 0, "total": 0})
        kept = appeal_rows.get(organization.pk, empty)
        deadlines = kept["answered"] + kept["overdue"] + kept["missed"]
        bayesian = (prior * mean + (rated["total"] or 0)) / (prior + rated["n"])
        smoothed_share = (kept["on_time"] + prior * 0.5) / (deadlines + prior)
        score = 100 * (0.6 * (bayesian - 1) / 4 + 0.4 * smoothed_share)
        result.append(
            OrganizationScore(
                organization=organization,
                ratings=rated["n"],
                average=round(rated["total"] / rated["n"], 2) if rated["n"] else None,
                bayesian=round(bayesian, 2),
                answered=kept["answered"],
                on_time=kept["on_time"],
                missed=kept["missed"],
                on_time_share=round(kept["on_time"] / deadlines, 3) if deadlines else 0.0,
                overdue_now=kept["overdue"],
                answer_days=_days(kept["answer_time"]),
                score=round(score, 1),
            )
        )
    return sorted(result, key=lambda s: (-s.score, s.organization.pk))


def organizations_answering_within(territory: Territory) -> QuerySet[Organization]:
    """Active organizations answering on `territory` or anywhere inside it: by jurisdiction or by
    a declared responsibility on the territory, one of its ancestors or one of its descendants."""
    ancestors = [code for code in territory.path.strip("/").split("/") if code]
    places = Territory.objects.filter(Q(code__in=ancestors) | Q(path__startswith=territory.path))
    by_jurisdiction = Organization.jurisdiction.through.objects.filter(territory__in=places).values(
        "organization"
    )
    by_responsibility = Responsibility.objects.filter(territory__in=places).values("organization")
    return public_organizations().filter(Q(pk__in=by_jurisdiction) | Q(pk__in=by_responsibility))


@dataclass(frozen=True)
class League:
    territory: Territory
    ranked: list[OrganizationScore]
    unjudged: list[OrganizationScore]  # nothing answered, rated or due yet: not ranked


def league(territory: Territory) -> League:
    """The territory's table, from the shared cache when it was built a moment ago
    (VECHE_STATISTICS_CACHE_SECONDS, as the statistics): a page anyone can open must not run its
    aggregates over every appeal of the city on each visit. The unjudged are in the order of
    their names, so each language has its own copy."""
    seconds = settings.VECHE_STATISTICS_CACHE_SECONDS
    if not seconds:
        return build_league(territory)
    key = keyed(f"league:{get_language()}:{territory.pk}")
    return cache.get_or_set(key, lambda: build_league(territory), seconds)


def build_league(territory: Territory) -> League:
    everyone = scores(list(organizations_answering_within(territory)))
    return League(
        territory=territory,
        ranked=[row for row in everyone if row.judged],
        unjudged=sorted(
            (row for row in everyone if not row.judged), key=lambda row: row.organization.title
        ),
    )
