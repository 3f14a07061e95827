"""The league table of organizations takes the same few queries for three organizations or
thirty, each with its appeals and ratings (a query per row is a bug); once built, it is served
from the shared cache for VECHE_STATISTICS_CACHE_SECONDS."""

import datetime

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import make_organization, make_problem, make_territory, make_user
from veche.appeals.models import Appeal, Rating
from veche.territories.models import Territory

pytestmark = pytest.mark.django_db


def rated_organizations(city, count: int) -> None:
    for _ in range(count):
        organization = make_organization(jurisdiction=[city])
        for score in (2, 5):
            problem = make_problem(organization=organization, territory=city)
            appeal = problem.current_appeal
            Appeal.objects.filter(pk=appeal.pk).update(status=Appeal.Status.CLOSED)
            Rating.objects.create(appeal=appeal, user=make_user(), score=score)


def queries_for(client, url: str) -> tuple[int, str]:
    client.get(url)  # the first request of a process fills caches of its own
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries), response.content.decode()


def test_the_league_table_takes_the_same_queries_for_many_organizations(client, settings):
    settings.VECHE_STATISTICS_CACHE_SECONDS = 0  # built on every request: its own queries
    city = make_territory("kazan", kind=Territory.Kind.CITY)
    url = f"/organizations/rating/?territory={city.code}"
    rated_organizations(city, 3)
    few, html = queries_for(client, url)
    assert html.count('<th scope="row"') == 3
    rated_organizations(city, 27)
    many, html = queries_for(client, url)
    assert html.count('<th scope="row"') == 30
    assert many == few
    assert many <= 15


def test_the_league_table_is_built_once_in_its_cache_lifetime(client, settings):
    settings.VECHE_STATISTICS_CACHE_SECONDS = 60
    city = make_territory("kazan", kind=Territory.Kind.CITY)
    url = f"/organizations/rating/?territory={city.code}"
    rated_organizations(city, 3)
    with time_machine.travel(datetime.datetime(2026, 12, 3, 12, tzinfo=datetime.UTC), tick=False):
        client.get(url)  # the first request of a process fills caches of its own
        cache.clear()
        with CaptureQueriesContext(connection) as building:
            client.get(url)
        rated_organizations(city, 2)
        with CaptureQueriesContext(connection) as captured:
            html = client.get(url).content.decode()
        assert html.count('<th scope="row"') == 3  # as built a moment ago
        assert len(captured.captured_queries) < len(building.captured_queries)
    with time_machine.travel(datetime.datetime(2026, 12, 3, 12, 1, 1, tzinfo=datetime.UTC)):
        html = client.get(url).content.decode()
    assert html.count('<th scope="row"') == 5
