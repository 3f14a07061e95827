"""Fixtures the tests of an appeal's course share: a district office under a city hall (a test
that needs another cast defines its own)."""

import pytest

from tests.factories import make_organization


@pytest.fixture
def city_hall():
    return make_organization("city-hall", en="City Hall")


@pytest.fixture
def office(city_hall):
    return make_organization("district-office", parent=city_hall, en="District Office")
