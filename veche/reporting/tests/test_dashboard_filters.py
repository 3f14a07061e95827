"""The dashboard's filters: territory (with everything inside it), organizer, stage, form, year
and "only with problems"; a wrong filter is said so and lists nothing."""

import datetime

import pytest
from django.utils import timezone

from tests.factories import make_discussion, make_organization, make_territory, make_user
from tests.sign_in import enter
from veche.discussions.models import Discussion
from veche.reporting.tests.builders import CSV, DASHBOARD, overdue_protocol, rows_of
from veche.territories.models import Territory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(client):
    enter(client, make_user(is_staff=True))
    return client


def shown(client, **filters) -> set[int]:
    response = client.get(DASHBOARD, filters)
    assert response.status_code == 200
    return set(rows_of(response))


def test_without_filters_every_discussion_is_listed(admin):
    first, second = make_discussion(), make_discussion(publish=False)
    assert shown(admin) == {first.pk, second.pk}


def test_a_territory_includes_the_territories_inside_it(admin):
    city = make_territory("kazan", kind=Territory.Kind.CITY)
    district = make_territory("vakhitovsky", parent=city)
    quarter = make_territory("quarter-12", parent=district, kind=Territory.Kind.NEIGHBOURHOOD)
    elsewhere = make_territory("elsewhere", kind=Territory.Kind.CITY)
    in_quarter = make_discussion(territory=quarter)
    in_district = make_discussion(territory=district)
    in_city = make_discussion(territory=city)
    make_discussion(territory=elsewhere)
    assert shown(admin, territory="vakhitovsky") == {in_quarter.pk, in_district.pk}
    assert shown(admin, territory="kazan") == {in_quarter.pk, in_district.pk, in_city.pk}


def test_by_organizer(admin):
    committee = make_organization("planning-committee")
    ours = make_discussion(organizer=committee)
    make_discussion()
    assert shown(admin, organizer="planning-committee") == {ours.pk}


def test_by_stage_as_the_clock_derives_it(admin):
    intake = make_discussion(stage="intake")
    announced = make_discussion(stage="announced")
    draft = make_discussion(publish=False)
    assert shown(admin, stage="intake") == {intake.pk}
    assert shown(admin, stage="announced") == {announced.pk}
    assert shown(admin, stage="draft") == {draft.pk}


def test_by_form(admin):
    hearing = make_discussion(kind="hearing")
    make_discussion(kind="discussion")
    assert shown(admin, kind="hearing") == {hearing.pk}


def test_by_the_year_the_exposition_opened(admin):
    this_year = make_discussion()
    earlier = make_discussion(stage="review")
    # Two years back: the other one opened at most days ago, even in the first days of January.
    start = datetime.date(timezone.localdate().year - 2, 3, 1)
    Discussion.objects.filter(pk=earlier.pk).update(exposition_start=start)
    assert shown(admin, year=start.year) == {earlier.pk}
    assert shown(admin, year=this_year.exposition_start.year) == {this_year.pk}


def test_only_with_problems(admin):
    late = overdue_protocol()
    make_discussion(stage="intake")
    assert shown(admin, problems="on") == {late.pk}


def test_filters_combine(admin):
    committee = make_organization("planning-committee")
    wanted = overdue_protocol(organizer=committee, kind="hearing")
    overdue_protocol(organizer=committee)  # a public discussion, not a hearing
    make_discussion(organizer=committee, kind="hearing")  # without problems
    assert shown(admin, organizer="planning-committee", kind="hearing", problems="on") == {
        wanted.pk
    }


@pytest.mark.parametrize(
    "filters, field",
    [
        ({"stage": "finished"}, "stage"),
        ({"year": "last"}, "year"),
        ({"year": "1990"}, "year"),
        ({"territory": "atlantis"}, "territory"),
    ],
)
def test_a_wrong_filter_is_explained_and_lists_nothing(admin, filters, field):
    make_discussion()
    response = admin.get(DASHBOARD, filters)
    assert response.status_code == 400
    assert response.context["form"].errors[field]
    assert rows_of(response) == {}
    export = admin.get(CSV, filters)
    assert export.status_code == 400
    assert export["Content-Type"].startswith("text/plain")


def test_the_rows_are_paginated_and_the_pages_keep_the_filters(admin, monkeypatch):
    monkeypatch.setattr("veche.reporting.views.PAGE_SIZE", 2)
    for _ in range(3):
        make_discussion(kind="hearing")
    make_discussion(kind="discussion")
    first = admin.get(DASHBOARD, {"kind": "hearing"})
    assert len(first.context["page"].object_list) == 2
    assert "kind=hearing&amp;page=2" in first.content.decode()
    second = admin.get(DASHBOARD, {"kind": "hearing", "page": 2})
    assert len(second.context["page"].object_list) == 1
