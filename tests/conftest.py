"""Fixtures of the tests that run the production recipe (tests/production.py)."""

import fcntl

import pytest

from tests.production import collect_static, production_env


@pytest.fixture(scope="session")
def static_root(tmp_path_factory, worker_id):
    """Static files collected once a run, as production serves them (hashed, compressed): the
    slowest step of starting an app server (a minute and more), the same for every test that
    starts one. The test processes of a run (pytest-xdist's workers) share one folder: the first
    to need it collects, under a lock, and the others wait for it and use it."""
    shared = tmp_path_factory.getbasetemp()
    if worker_id != "master":
        shared = shared.parent  # the run's folder, above each worker's own
    folder, done = shared / "static", shared / "static.collected"
    with (shared / "static.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            if not done.exists():
                folder.mkdir(exist_ok=True)
                collect_static(production_env(folder, STATIC_ROOT=str(folder)))
                done.touch()
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
    return folder
