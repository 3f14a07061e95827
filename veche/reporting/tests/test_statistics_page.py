"""The statistics page: open to anyone, its filters a plain form whose period is whole months
between fixed bounds (a wrong one is a 400 with the reason, never a 500), its cost fixed
whatever the number of problems, its figures kept briefly in the cache."""

import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from veche.reporting.tests.statistics_data import STATISTICS, build_city, problem

# Made relative to today, checked against today: within one day (conftest.py).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("one_city_day")]


@pytest.fixture
def city():
    cache.clear()
    return build_city()


def queries_of(client, **params) -> int:
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(STATISTICS, params).status_code == 200
    return len(queries)


def test_the_page_costs_the_same_queries_for_few_problems_or_many(client, city):
    few = queries_of(client)
    for _ in range(6):
        problem(city.north, city.office, category="lights")
    assert queries_of(client) == few
    assert few <= 25


def test_a_second_visit_reads_the_figures_from_the_cache(client, city, settings):
    settings.VECHE_STATISTICS_CACHE_SECONDS = 60
    first = queries_of(client)
    with CaptureQueriesContext(connection) as queries:
        client.get(STATISTICS)
    assert len(queries) < first - 10


def test_a_district_is_chosen_with_the_form(client, city):
    page = client.get(STATISTICS, {"territory": "kazan-north"}, HTTP_ACCEPT_LANGUAGE="en")
    assert page.context["selection"].territory == city.north
    assert page.context["figures"].problems_total == 3


def test_all_territories_can_be_chosen(client, city):
    page = client.get(STATISTICS, {"territory": ""})
    assert page.context["selection"].territory is None
    assert page.context["figures"].problems_total == 8


def test_a_period_that_ends_before_it_starts_is_refused(client, city):
    page = client.get(
        STATISTICS, {"start": "2026-05-01", "end": "2026-04-01"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert page.status_code == 400
    assert "The period must start before it ends." in page.content.decode()


def test_without_javascript_the_map_offers_the_list_and_the_table(client, city):
    html = client.get(STATISTICS, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'href="/problems/?territory=kazan"' in html
    assert 'href="#problems-by-territory"' in html
    assert 'data-geojson="/api/v1/problems.geojson?territory=kazan"' in html


def test_the_footer_links_the_page(client, city):
    assert 'href="/statistics/"' in client.get("/").content.decode()


@pytest.mark.parametrize(
    ("params", "error"),
    [
        # One end left empty takes its default before the period is checked.
        ({"start": "1000-01-01", "end": ""}, "The period starts on 1 January 2000 or later."),
        ({"start": "0001-01-01", "end": ""}, "The period starts on 1 January 2000 or later."),
        ({"start": "", "end": "9999-12-31"}, "The period ends today or earlier."),
        ({"start": "2001-01-01", "end": ""}, "Choose a period of five years at most."),
        ({"start": "", "end": "2001-01-01"}, "The period must start before it ends."),
        ({"start": "99999-01-01", "end": ""}, "Enter a valid date."),
    ],
)
def test_a_period_out_of_bounds_is_refused_with_the_reason(client, city, params, error):
    client.raise_request_exception = False
    page = client.get(STATISTICS, params, HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 400
    assert error in page.content.decode()
    assert len(page.context["figures"].months) == 12  # the default period's, under its dates


def test_the_period_is_widened_to_whole_months_and_shown_so(client, city):
    today = timezone.localdate()
    first = (today.replace(day=1) - datetime.timedelta(days=40)).replace(day=1)  # a month back
    page = client.get(
        STATISTICS,
        {"start": (first + datetime.timedelta(days=9)).isoformat(), "end": ""},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert page.status_code == 200
    chosen = page.context["selection"]
    assert (chosen.start, chosen.end) == (first, today)
    html = page.content.decode()
    assert f'name="start" value="{first.isoformat()}"' in html
    assert f'name="end" value="{today.isoformat()}"' in html


def test_sixty_whole_months_are_the_longest_period(client, city):
    today = timezone.localdate()
    start = today.replace(day=1)
    for _month in range(59):
        start = (start - datetime.timedelta(days=1)).replace(day=1)
    assert client.get(STATISTICS, {"start": start.isoformat()}).status_code == 200
    earlier = (start - datetime.timedelta(days=1)).isoformat()
    assert client.get(STATISTICS, {"start": earlier}).status_code == 400
