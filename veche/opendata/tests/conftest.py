import pytest

from veche.opendata.tests.cast import build_city


@pytest.fixture(autouse=True)
def _dumps_in_tmp(settings, tmp_path):
    settings.VECHE_OPEN_DATA_DIR = tmp_path / "open-data"


@pytest.fixture
def city(db):
    return build_city()
