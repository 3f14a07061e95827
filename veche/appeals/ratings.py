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
not end the window (`Appeal.rating_open`); but not one given by staff of the addressee or of an
organization above it, nor by a signatory whose signature a moderator invalidated
(`counted_ratings`). An appeal the author escalated because its addressee missed a deadline
counts as a deadline missed: escalation does not wipe the miss off. So does a forwarding made
late (`policy.forwarding_late`), against the organization that forwarded the appeal.
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db.models import (
    Avg,
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import get_language

from veche.appeals.models import Answer, Appeal, Rating, Responsibility, Signature
from veche.appeals.policy import overdue_q
from veche.core.release import keyed
from veche.organizations.models import Organization
from veche.organizations.queries import public_organizations, works_for_or_above
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
    # Appeals it forwarded to another organization late: after the forwarding days, or overdue.
    forwarded_late: int
    on_time_share: float  # of the deadlines that came: answers given, and appeals overdue now
    overdue_now: int
    answer_days: int | None  # mean whole days from sending to the answer
    score: float

    @property
    def deadlines(self) -> int:
        """Deadlines that have come: appeals answered, those waiting past
        their due date, those escalated because it passed, and those forwarded late."""
        return self.answered + self.overdue_now + self.missed + self.forwarded_late

    @property
    def judged(self) -> bool:
        """Whether there is anything to rank it by: a rating, or a deadline that came."""
        return bool(self.ratings or self.deadlines)


def counted_ratings() -> QuerySet[Rating]:
    """The ratings every total counts: not those of staff of the addressee or of an organization
    above it (they may not rate, `appeals.rate_answer`, but may have before they joined it), nor
    those of a signatory whose signature of the appeal was invalidated."""
    invalidated = Signature.objects.filter(
        appeal=OuterRef("appeal"), user=OuterRef("user"), invalidation__isnull=False
    )
    return Rating.objects.filter(
        ~works_for_or_above("user", "appeal__organization"), ~Exists(invalidated)
    )


def counted_ratings_q(prefix: str = "ratings") -> Q:
    """For an aggregate over an appeal's ratings (`Count("ratings", filter=…)`): the counted."""
    return Q(**{f"{prefix}__in": counted_ratings().values("pk")})


def _global_mean() -> float:
    value = counted_ratings().aggregate(mean=Avg("score"))["mean"]
    return float(value) if value is not None else 3.0


def _days(value) -> int | None:
    if value is None:
        return None
    if not isinstance(value, datetime.timedelta):  # a backend that averages microseconds
        value = datetime.timedelta(microseconds=float(value))
    return round(value.total_seconds() / 86400)


def _count_of(grouped: QuerySet, aggregate) -> Coalesce:
    """An aggregate over a correlated subquery's rows (grouped by the outer row), 0 when none."""
    return Coalesce(
        Subquery(grouped.annotate(value=aggregate).values("value")), 0, output_field=IntegerField()
    )


def scores(organizations) -> list[OrganizationScore]:
    """Scores of the given organizations, best first: three queries, however many they are."""
    prior = settings.VECHE_RATING_PRIOR_WEIGHT
    mean = _global_mean()
    ids = [o.pk for o in organizations]
    # Per organization, in one query: the ratings counted, their sum, and the appeals it
    # forwarded late (those live on at the organization they went to, so not in `appeal_rows`).
    rated = counted_ratings().filter(appeal__organization=OuterRef("pk")).order_by()
    late = Answer.objects.filter(
        organization=OuterRef("pk"), kind=Answer.Kind.FORWARDING, late=True
    ).order_by()
    per_organization = {
        row["pk"]: row
        for row in Organization.objects.filter(pk__in=ids)
        .annotate(
            n=_count_of(rated.values("appeal__organization"), Count("pk")),
            total=_count_of(rated.values("appeal__organization"), Sum("score")),
            forwarded_late=_count_of(late.values("organization"), Count("pk")),
        )
        .values("pk", "n", "total", "forwarded_late")
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
            overdue=Count("id", filter=overdue_q(timezone.localdate())),
            answer_time=Avg(
                answer_time, filter=Q(answered_at__isnull=False, sent_at__isnull=False)
            ),
        )
    }
    empty = {"answered": 0, "on_time": 0, "missed": 0, "overdue": 0, "answer_time": None}
    nothing = {"n": 0, "total": 0, "forwarded_late": 0}
    result = []
    for organization in organizations:
        rated = per_organization.get(organization.pk, nothing)
        kept = appeal_rows.get(organization.pk, empty)
        late_forwardings = rated["forwarded_late"]
        deadlines = kept["answered"] + kept["overdue"] + kept["missed"] + late_forwardings
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
                forwarded_late=late_forwardings,
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
