"""The statistics page's figures, built once from `statistics` queries into charts and tables
and kept briefly in the cache (VECHE_STATISTICS_CACHE_SECONDS): a page anyone can open must
not run its aggregates on every visit."""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.utils import formats
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from veche.core.release import keyed
from veche.reporting import charts, statistics
from veche.reporting.statistics import Selection


@dataclass(frozen=True)
class Figures:
    problems_total: int
    categories: list[statistics.Row]
    category_chart: charts.BarChart
    territories: list[statistics.Row]
    territory_chart: charts.BarChart
    months: list[statistics.MonthColumn]
    month_chart: charts.ColumnChart
    status_groups: list[tuple[str, str]]
    organizations: list[statistics.OrganizationRow]
    on_time_chart: charts.BarChart
    median_chart: charts.BarChart
    stages: list[statistics.Row]
    stage_chart: charts.BarChart
    signatories: list[statistics.ParticipationRow]
    signatory_chart: charts.BarChart
    participants: list[statistics.ParticipationRow]
    participant_chart: charts.BarChart
    age_groups: list[str]
    minimum: int


def _counts(rows: list[statistics.Row]) -> list[tuple[str, float, str]]:
    return [(row.label, row.value, formats.number_format(row.value)) for row in rows]


def _people(rows: list[statistics.ParticipationRow], minimum: int) -> list:
    """The bars of the rows counted here (an area with parts is counted on its own page)."""
    return [
        (row.label, 0 if row.total.hidden else row.total.value, row.total.text(minimum))
        for row in rows
        if not row.divided
    ]


def _month(day: datetime.date, fmt: str) -> str:
    return formats.date_format(day, fmt)


def build(selection: Selection) -> Figures:
    problems = statistics.problems_in(selection)
    categories = statistics.by_category(problems)
    territories = statistics.by_territory(problems, selection)
    months = statistics.by_month(problems, selection)
    groups = statistics.status_groups()
    organizations = statistics.organizations(selection.territory)
    stages = statistics.discussions_by_stage(selection)
    signed = statistics.signatories(selection)
    took_part = statistics.discussion_participants(selection)
    minimum = settings.VECHE_STATISTICS_MIN_GROUP
    labels = statistics.age_group_labels()
    place = selection.territory.title if selection.territory else _("all territories")
    return Figures(
        problems_total=sum(row.value for row in categories),
        categories=categories,
        category_chart=charts.bar_chart(
            "chart-categories",
            _("Problems by category"),
            _("Problems published in %(place)s in the period, by category.") % {"place": place},
            _counts(categories),
        ),
        territories=territories,
        territory_chart=charts.bar_chart(
            "chart-territories",
            _("Problems by territory"),
            _("Problems published in the period, by the territory they are in."),
            _counts(territories),
        ),
        months=months,
        month_chart=charts.column_chart(
            "chart-months",
            _("Problems by month and state"),
            _(
                "Problems published each month, stacked by the state they are in now; each "
                "state has its own pattern, named in the legend."
            ),
            [(_month(column.month, "M"), column.counts) for column in months],
            groups,
        ),
        status_groups=groups,
        organizations=organizations,
        on_time_chart=charts.bar_chart(
            "chart-on-time",
            _("Answers on time"),
            _("The share of deadlines each organization kept, as the rating counts it."),
            [
                (
                    row.organization.short_title,
                    row.on_time_share,
                    formats.number_format(round(row.on_time_share * 100)) + " %",
                )
                for row in organizations
            ],
        ),
        median_chart=charts.bar_chart(
            "chart-median",
            _("Median answer time"),
            _("Half of each organization's answers came within this many days of sending."),
            [
                (
                    row.organization.short_title,
                    row.median_days or 0,
                    formats.number_format(row.median_days, 1)
                    if row.median_days is not None
                    else "—",
                )
                for row in organizations
            ],
        ),
        stages=stages,
        stage_chart=charts.bar_chart(
            "chart-stages",
            _("Discussions by stage"),
            _("Public discussions and hearings by the stage they stand at today."),
            _counts(stages),
        ),
        signatories=signed,
        signatory_chart=charts.bar_chart(
            "chart-signatories",
            _("Signatories by territory"),
            _("People who signed an appeal in the period; groups under %(n)s are not shown.")
            % {"n": minimum},
            _people(signed, minimum),
        ),
        participants=took_part,
        participant_chart=charts.bar_chart(
            "chart-participants",
            _("Discussion participants by territory"),
            _(
                "People who sent a proposal, remark or question in the period; groups under "
                "%(n)s are not shown."
            )
            % {"n": minimum},
            _people(took_part, minimum),
        ),
        age_groups=[labels[key] for key in statistics.AGE_GROUPS],
        minimum=minimum,
    )


def figures(selection: Selection) -> Figures:
    """The figures of the selection, from the cache when they were built a moment ago."""
    seconds = settings.VECHE_STATISTICS_CACHE_SECONDS
    if not seconds:
        return build(selection)
    code = selection.territory.code if selection.territory else "-"
    key = (
        f"statistics:{get_language()}:{code}:"
        f"{selection.start.isoformat()}:{selection.end.isoformat()}"
    )
    return cache.get_or_set(keyed(key), lambda: build(selection), seconds)
