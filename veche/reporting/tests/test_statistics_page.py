"""The statistics page: open to anyone, its filters a plain form, its cost fixed whatever the
number of problems, its figures kept briefly in the cache."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from veche.reporting.tests.statistics_data import STATISTICS, build_city, problem

pytestmark = pytest.mark.django_db


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
