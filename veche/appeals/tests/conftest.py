"""Fixtures the tests of an appeal's course share: a district office under a city hall, a district
and a problem there collecting signatures (a test that needs another cast defines its own)."""

import pytest

from tests.factories import make_organization, make_problem, make_territory


@pytest.fixture
def city_hall():
    return make_organization("city-hall", en="City Hall")


@pytest.fixture
def office(city_hall):
    return make_organization("district-office", parent=city_hall, en="District Office")


@pytest.fixture
def district():
    return make_territory("kazan-vakhitovsky", en="Vakhitovsky District")


@pytest.fixture
def problem(district):
    return make_problem(territory=district, threshold=1000, title="Вернуть трамвай")
