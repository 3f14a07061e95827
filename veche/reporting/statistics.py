"""Read side of the public statistics page (`/statistics/`): every figure is aggregated in the
database over what the public pages show (`veche.appeals.queries.public_problems`,
`veche.discussions.queries.public_discussions`), so a problem hidden by a moderator or not yet
public is never counted; the organizations' figures are the rating's own (`league`)."""

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import (
    Case,
    Count,
    DateField,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
    Window,
)
from django.db.models.functions import RowNumber, TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from veche.appeals.models import Appeal, Problem, Signature
from veche.appeals.queries import public_problems
from veche.appeals.ratings import league, scores
from veche.core.i18n import translate
from veche.discussions.disclosure import hidden_groups
from veche.discussions.models import Discussion, Stage, Submission
from veche.discussions.queries import public_discussions
from veche.identity.models import Verification
from veche.organizations.queries import public_organizations
from veche.territories.models import Territory


@dataclass(frozen=True)
class Selection:
    """What the page is asked about: a territory (and everything inside it) and a period of
    local days, both ends included."""

    territory: Territory | None
    start: datetime.date
    end: datetime.date

    def moments(self) -> tuple[datetime.datetime, datetime.datetime]:
        """The period as aware moments: from the first day's midnight to the next day's after
        the last one."""
        zone = timezone.get_current_timezone()
        first = datetime.datetime.combine(self.start, datetime.time(), zone)
        after = datetime.datetime.combine(self.end + datetime.timedelta(days=1), datetime.time())
        return first, after.replace(tzinfo=zone)

    def months(self) -> list[datetime.date]:
        """The first day of every month the period touches, oldest first."""
        months, month = [], self.start.replace(day=1)
        while month <= self.end:
            months.append(month)
            month = (month + datetime.timedelta(days=32)).replace(day=1)
        return months


def default_territory() -> Territory | None:
    """The first city, as the rating of organizations opens on it; none when there is no city."""
    return Territory.objects.filter(kind=Territory.Kind.CITY).order_by("code").first()


def default_period(today: datetime.date | None = None) -> tuple[datetime.date, datetime.date]:
    """The last twelve months: from the first day of the month eleven months ago to today."""
    today = today or timezone.localdate()
    start = today.replace(day=1)
    for _month in range(11):
        start = (start - datetime.timedelta(days=1)).replace(day=1)
    return start, today


def whole_months(
    start: datetime.date, end: datetime.date, today: datetime.date | None = None
) -> tuple[datetime.date, datetime.date]:
    """The period widened to whole months: from the first day of the start's month to the last
    day of the end's month, or to today in this month (nothing is counted after today)."""
    today = today or timezone.localdate()
    after = (end.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)
    return start.replace(day=1), min(after - datetime.timedelta(days=1), today)


# --- Rows the charts and tables show ---------------------------------------------------------


@dataclass(frozen=True)
class Row:
    label: str
    value: float
    key: str = ""  # a code the page links with (a territory's, a category's)


@dataclass(frozen=True)
class MonthColumn:
    month: datetime.date
    counts: dict[str, int]  # status group → problems

    @property
    def total(self) -> int:
        return sum(self.counts.values())


# --- Territories: the selected one and the areas directly inside it ---------------------------


def areas_of(territory: Territory | None) -> list[Territory]:
    """The territories whose rows the page shows: the children of the selected one (the city's
    districts), or the roots when none is selected."""
    if territory is None:
        return list(Territory.objects.filter(parent__isnull=True).order_by("path"))
    return list(Territory.objects.filter(parent=territory).order_by("path"))


def _area(path_field: str, territory: Territory | None, areas: list[Territory]) -> Case:
    """Which row an item falls in, decided in the database by its territory's path: the area it
    lies in, else the selected territory itself."""
    return Case(
        *[When(**{f"{path_field}__startswith": area.path}, then=Value(area.pk)) for area in areas],
        default=Value(territory.pk if territory else None),
        output_field=IntegerField(),
    )


def _within(queryset: QuerySet, path_field: str, territory: Territory | None) -> QuerySet:
    if territory is None:
        return queryset
    return queryset.filter(**{f"{path_field}__startswith": territory.path})


def problems_in(selection: Selection) -> QuerySet[Problem]:
    """Public problems in the territory (and inside it) published in the period."""
    first, after = selection.moments()
    return _within(public_problems(), "territory__path", selection.territory).filter(
        published_at__gte=first, published_at__lt=after
    )


# --- Problems ----------------------------------------------------------------------------------


def by_category(problems: QuerySet[Problem]) -> list[Row]:
    rows = (
        problems.order_by()
        .values("category__slug", "category__name")
        .annotate(n=Count("pk"))
        .order_by("-n", "category__slug")
    )
    return [Row(translate(r["category__name"]), r["n"], r["category__slug"]) for r in rows]


def by_territory(problems: QuerySet[Problem], selection: Selection) -> list[Row]:
    """Every area in order, those without problems too (a zero is a finding)."""
    areas = areas_of(selection.territory)
    counts = dict(
        problems.order_by()
        .annotate(area=_area("territory__path", selection.territory, areas))
        .values("area")
        .annotate(n=Count("pk"))
        .values_list("area", "n")
    )
    rows = [Row(area.title, counts.get(area.pk, 0), area.code) for area in areas]
    own = selection.territory
    if own is not None and counts.get(own.pk):
        rows.append(Row(_("%(territory)s as a whole") % {"territory": own.title}, counts[own.pk]))
    return rows


# The state of each problem now, in the groups the problem list filters by.
STATUS_GROUPS = ("collecting", "sent", "answered", "solved", "unsolved", "other")

STATUS_GROUP = Case(
    When(status__in=[Problem.Status.SOLVED, Problem.Status.PARTLY_SOLVED], then=Value("solved")),
    When(status=Problem.Status.UNSOLVED, then=Value("unsolved")),
    When(current_appeal__status=Appeal.Status.COLLECTING, then=Value("collecting")),
    When(
        current_appeal__status__in=[Appeal.Status.SENT, Appeal.Status.REGISTERED],
        then=Value("sent"),
    ),
    When(current_appeal__status=Appeal.Status.ANSWERED, then=Value("answered")),
    default=Value("other"),
)


def status_groups() -> list[tuple[str, str]]:
    """The groups with their labels in the current language."""
    labels = {
        "collecting": pgettext("statistics", "collecting signatures"),
        "sent": pgettext("statistics", "sent, waiting for an answer"),
        "answered": pgettext("statistics", "answered"),
        "solved": pgettext("statistics", "solved"),
        "unsolved": pgettext("statistics", "not solved"),
        "other": pgettext("statistics", "closed or escalated"),
    }
    return [(key, labels[key]) for key in STATUS_GROUPS]


def by_month(problems: QuerySet[Problem], selection: Selection) -> list[MonthColumn]:
    """Problems published each month of the period, by the state they are in now."""
    zone = timezone.get_current_timezone()
    rows = (
        problems.order_by()
        .annotate(
            month=TruncMonth("published_at", output_field=DateField(), tzinfo=zone),
            group=STATUS_GROUP,
        )
        .values("month", "group")
        .annotate(n=Count("pk"))
    )
    counts: dict[datetime.date, dict[str, int]] = defaultdict(dict)
    for row in rows:
        month = row["month"]
        if isinstance(month, datetime.datetime):
            month = month.date()
        counts[month][row["group"]] = row["n"]
    return [
        MonthColumn(month, {key: counts[month].get(key, 0) for key in STATUS_GROUPS})
        for month in selection.months()
    ]


# --- Organizations -----------------------------------------------------------------------------


@dataclass(frozen=True)
class OrganizationRow:
    organization: object
    answered: int
    deadlines: int  # answered, overdue now, escalated after a missed deadline (the rating's)
    on_time: int
    on_time_share: float  # of the deadlines that came, as the rating counts it
    answer_days: int | None  # the rating's mean
    median_days: float | None


def _median_days(organization_ids: list[int]) -> dict[int, float]:
    """The median time from sending to the answer per organization, over the appeals the
    rating's mean is taken from: the middle one or two rows of each organization's appeals
    ordered by that time, picked by window functions, so only they leave the database."""
    took = ExpressionWrapper(F("answered_at") - F("sent_at"), output_field=DurationField())
    ranked = (
        Appeal.objects.filter(
            organization__in=organization_ids, answered_at__isnull=False, sent_at__isnull=False
        )
        .annotate(
            took=took,
            place=Window(RowNumber(), partition_by=F("organization"), order_by=[took, F("pk")]),
            size=Window(Count("pk"), partition_by=F("organization")),
        )
        .filter(Q(place=(F("size") + 1) / 2) | Q(place=(F("size") + 2) / 2))
        .values_list("organization", "took")
    )
    middle: dict[int, list[float]] = defaultdict(list)
    for organization, value in ranked:
        if not isinstance(value, datetime.timedelta):  # a backend that returns microseconds
            value = datetime.timedelta(microseconds=float(value))
        middle[organization].append(value.total_seconds() / 86400)
    return {pk: round(sum(days) / len(days), 1) for pk, days in middle.items()}


def organizations(territory: Territory | None) -> list[OrganizationRow]:
    """The organizations of the rating of `territory`, in its order, with the median added; all
    time, as the rating, so the two pages never disagree."""
    if territory is not None:
        ranked = league(territory).ranked
    else:
        ranked = [row for row in scores(list(public_organizations())) if row.judged]
    medians = _median_days([row.organization.pk for row in ranked])
    return [
        OrganizationRow(
            organization=row.organization,
            answered=row.answered,
            deadlines=row.deadlines,
            on_time=row.on_time,
            on_time_share=row.on_time_share,
            answer_days=row.answer_days,
            median_days=medians.get(row.organization.pk),
        )
        for row in ranked
    ]


# --- Discussions -------------------------------------------------------------------------------


def discussions_by_stage(selection: Selection) -> list[Row]:
    """Public discussions in the territory by the stage they stand at now. Stages are derived
    from each discussion's dates in its own time zone, so they are counted here; a city has
    hundreds of discussions, not millions."""
    now = timezone.now()
    found = _within(public_discussions(), "territory__path", selection.territory)
    found = found.select_related(None).only(*STAGE_FIELDS)
    counts = Counter(d.stage_at(now) for d in found if d.is_public)
    return [Row(stage.label, counts[stage], stage.value) for stage in Stage if counts[stage]]


STAGE_FIELDS = (
    "status",
    "time_zone",
    "notice_date",
    "exposition_start",
    "intake_start",
    "intake_end",
    "protocol_signed_at",
    "conclusion_published_at",
    "published_at",
)


# --- Participation, by age group, with small groups hidden ------------------------------------

AGE_GROUPS = ("under_18", "18_29", "30_44", "45_59", "60_plus", "unknown")


def age_group_labels() -> dict[str, str]:
    return {
        "under_18": _("under 18"),
        "18_29": _("18–29"),
        "30_44": _("30–44"),
        "45_59": _("45–59"),
        "60_plus": _("60 and over"),
        "unknown": _("age not verified"),
    }


def _years_before(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _age_group(today: datetime.date) -> tuple[Case, Subquery]:
    """The person's age group today and the birth date of their latest valid verification it
    is read from (annotated as `born`)."""
    born = Subquery(
        Verification.objects.filter(
            user=OuterRef("user"), revoked_at__isnull=True, birthdate__isnull=False
        )
        .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=timezone.now()))
        .order_by("-verified_at")
        .values("birthdate")[:1],
        output_field=DateField(),
    )
    limits = ((18, "under_18"), (30, "18_29"), (45, "30_44"), (60, "45_59"))
    return Case(
        When(Q(born__isnull=True), then=Value("unknown")),
        *[When(born__gt=_years_before(today, age), then=Value(group)) for age, group in limits],
        default=Value("60_plus"),
    ), born


@dataclass(frozen=True)
class Cell:
    value: int
    hidden: bool = False
    group: bool = False  # an age group's cell: hidden, it reads "*" whatever the reason

    def text(self, minimum: int) -> str:
        if not self.hidden:
            return str(self.value)
        return "*" if self.group else f"<{minimum}"


@dataclass(frozen=True)
class ParticipationRow:
    label: str
    total: Cell | None = None
    # Empty when the row is too small to break down (every group would be hidden).
    groups: list[Cell] = field(default_factory=list)
    # A territory with parts of its own: counted in them, on its own page, never as a sum.
    divided: bool = False
    code: str = ""


def protect(values: list[int], minimum: int) -> list[Cell]:
    """The age groups of one row as shown (`veche.discussions.disclosure.hidden_groups`: a
    small group, the empty ones beside it and the next smallest are hidden alike); none at all
    when every one would be hidden, as in a row of fewer than `minimum` people."""
    hidden = hidden_groups(values, minimum)
    if all(hidden):
        return []
    return [Cell(value, flag, group=True) for value, flag in zip(values, hidden, strict=True)]


def _counted_areas(territory: Territory | None) -> list[Territory]:
    """`areas_of(territory)`, each knowing whether it has parts of its own (`has_parts`)."""
    found = (
        Territory.objects.filter(parent=territory)
        if territory is not None
        else Territory.objects.filter(parent__isnull=True)
    )
    parts = Territory.objects.filter(parent=OuterRef("pk"))
    return list(found.annotate(has_parts=Exists(parts)).order_by("path"))


def _participation(people: QuerySet, path_field: str, selection: Selection) -> list:
    """Distinct people per area and age group, and per area, in two grouped queries.

    Only what no other figure sums is counted: the areas without parts of their own, and the
    chosen territory as a whole (what is placed on it, in none of its areas). An area with parts
    is counted in them, on its own page; were it counted here too, its figure minus its parts'
    shown there would give a part's hidden group away (docs/statistics.md)."""
    own = selection.territory
    areas = _counted_areas(own)
    counted = [area for area in areas if not area.has_parts] + ([own] if own else [])
    group, born = _age_group(timezone.localdate())
    placed = (
        people.order_by()
        .filter(**{f"{path_field}__in": [area.path for area in counted]})
        .annotate(
            area=Case(
                *[When(**{path_field: area.path}, then=Value(area.pk)) for area in counted],
                output_field=IntegerField(),
            )
        )
    )
    cells = dict.fromkeys(((a.pk, g) for a in counted for g in AGE_GROUPS), 0)
    by_group = (
        placed.annotate(born=born, group=group)
        .values("area", "group")
        .annotate(n=Count("user", distinct=True))
    )
    for row in by_group:
        cells[(row["area"], row["group"])] = row["n"]
    totals = dict(
        placed.values("area").annotate(n=Count("user", distinct=True)).values_list("area", "n")
    )
    minimum = settings.VECHE_STATISTICS_MIN_GROUP
    rows = []
    for area in areas + ([own] if own else []):
        if area is not own and area.has_parts:
            rows.append(ParticipationRow(area.title, divided=True, code=area.code))
            continue
        total = totals.get(area.pk, 0)
        label = area.title
        if area is own:
            if not total:
                continue
            label = _("%(territory)s as a whole") % {"territory": area.title}
        values = [cells[(area.pk, g)] for g in AGE_GROUPS]
        rows.append(
            ParticipationRow(label, Cell(total, 0 < total < minimum), protect(values, minimum))
        )
    return rows


def signatories(selection: Selection) -> list[ParticipationRow]:
    """People who signed (and have not withdrawn) in the period an appeal of a public problem."""
    first, after = selection.moments()
    signed = Signature.objects.filter(
        withdrawn_at__isnull=True,
        created_at__gte=first,
        created_at__lt=after,
        appeal__problem__in=_within(public_problems(), "territory__path", selection.territory),
    )
    return _participation(signed, "appeal__problem__territory__path", selection)


def discussion_participants(selection: Selection) -> list[ParticipationRow]:
    """People with an account who sent a submission (not hidden) in the period to a public
    discussion; submissions on paper have no verified birth date behind them."""
    first, after = selection.moments()
    sent = Submission.objects.filter(
        hidden_at__isnull=True,
        author__isnull=False,
        created_at__gte=first,
        created_at__lt=after,
        discussion__in=_within(public_discussions(), "territory__path", selection.territory),
        discussion__status=Discussion.Status.PUBLISHED,
    ).annotate(user=F("author"))
    return _participation(sent, "discussion__territory__path", selection)
