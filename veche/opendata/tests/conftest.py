import pytest

from veche.opendata.tests.cast import build_city


@pytest.fixture
def city(db):
    return build_city()
