"""Fixtures of the tests that run the production recipe (tests/production.py)."""

import pytest

from tests.production import collect_static, production_env


@pytest.fixture(scope="session")
def static_root(tmp_path_factory):
    """Static files collected once a run, as production serves them (hashed, compressed): the
    slowest step of starting an app server, the same for every test that starts one."""
    folder = tmp_path_factory.mktemp("static")
    collect_static(production_env(folder, STATIC_ROOT=str(folder)))
    return folder
