"""A small city whose statistics are known by heart: Kazan with two districts, problems of two
categories in several states and months, an organization with three answers."""

import datetime
from dataclasses import dataclass

from django.utils import timezone

from tests.factories import (
    make_appeal,
    make_category,
    make_organization,
    make_resident,
    make_signature,
    make_territory,
    set_fields,
)
from veche.appeals.models import Problem
from veche.territories.models import Territory

STATISTICS = "/statistics/"
DAY = datetime.timedelta(days=1)


@dataclass
class City:
    kazan: Territory
    centre: Territory
    north: Territory
    office: object
    problems: list


def months_ago(months: int, day: int = 10) -> datetime.datetime:
    """A moment on `day` of the month `months` before this one, at noon local time; in this
    month, a moment already past."""
    month = timezone.localdate().replace(day=1)
    for _step in range(months):
        month = (month - DAY).replace(day=1)
    if months == 0:  # this month, and never later than now
        start = timezone.make_aware(datetime.datetime.combine(month, datetime.time()))
        return max(start, timezone.now() - datetime.timedelta(minutes=1))
    moment = datetime.datetime.combine(month.replace(day=day), datetime.time(12))
    return timezone.make_aware(moment)


def problem(city_area, office, *, category="roads", months=0, status="collecting", **fields):
    started = months_ago(months)
    appeal = make_appeal(
        territory=city_area, organization=office, status=status, started=started, **fields
    )
    if category != "roads":
        set_fields(appeal.problem, category=make_category(category))
    return appeal


def answered(city_area, office, *, days: float, on_time: bool = True):
    sent = months_ago(2)
    return problem(
        city_area,
        office,
        months=2,
        status="answered",
        sent_at=sent,
        answered_at=sent + datetime.timedelta(days=days),
        answered_on_time=on_time,
        due_date=(sent + 30 * DAY).date(),
    )


def build_city() -> City:
    """Five problems this month and last (three roads, two lights), three answered ones two
    months ago (answers in 2, 4 and 30 days, the last one late), one hidden, one draft."""
    kazan = make_territory("kazan", kind=Territory.Kind.CITY, en="Kazan")
    centre = make_territory("kazan-centre", parent=kazan, en="Centre")
    north = make_territory("kazan-north", parent=kazan, en="North")
    office = make_organization("office", jurisdiction=[kazan], en="City Office")
    problems = [
        problem(centre, office),
        problem(centre, office, category="lights"),
        problem(north, office, months=1, status="sent", sent_at=months_ago(1)),
        problem(north, office, months=1, category="lights"),
        problem(kazan, office, months=1),
        answered(centre, office, days=2),
        answered(centre, office, days=4),
        answered(north, office, days=30, on_time=False),
    ]
    hidden = problem(centre, office)
    set_fields(hidden.problem, hidden_at=timezone.now())
    draft = problem(centre, office)
    set_fields(draft.problem, status=Problem.Status.DRAFT)
    return City(kazan, centre, north, office, problems)


def residents(territory, count: int, *, born: datetime.date):
    return [make_resident(territory, birthdate=born) for _ in range(count)]


def sign_by(appeal, people):
    for person in people:
        make_signature(appeal, person)
