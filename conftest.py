"""Settings every test shares."""

import os

import pytest
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

# Property tests: no time limit on an example (a pause of a loaded machine is no failure) and no
# health check of the pace of making examples; in CI (`CI` set), the same examples every run and
# none kept from an earlier one, so that a merge never waits on an example found by chance that
# day. Developers' runs still look for new ones.
hypothesis_settings.register_profile(
    "veche",
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    **({"derandomize": True, "database": None} if os.environ.get("CI") else {}),
)
hypothesis_settings.load_profile("veche")


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Argon2 is right for people and slow for a test suite that creates hundreds of accounts.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _static_files_looked_up_when_asked(settings):
    # Every test client builds the middleware anew, and WhiteNoise, outside production, then
    # lists every static file of every app (some 25 ms a client, a few thousand clients a run).
    # Looked up on each request instead, as when developing; the production stack's tests
    # (gunicorn, collected files) serve them as production does.
    settings.WHITENOISE_AUTOREFRESH = True


@pytest.fixture(autouse=True)
def _pages_made_for_each_request(settings):
    # Tests read a page right after changing what it shows; the shared cache's few seconds of
    # delay for visitors (VECHE_PAGE_CACHE_SECONDS) is tested on its own, in the appeals' tests.
    settings.VECHE_PAGE_CACHE_SECONDS = 0


@pytest.fixture(autouse=True)
def _media_in_tmp(request, settings, tmp_path):
    if "demo_city" in request.fixturenames:
        return  # the demo's documents and first open-data dump stay where it was loaded
    # Uploaded files go to the test's own folder: none is left in var/, none is seen by another
    # test. A test that wants the folder reads settings.MEDIA_ROOT (it is not created here).
    settings.MEDIA_ROOT = tmp_path / "media"
    # And so do the open-data dumps (the demo writes its first one).
    settings.VECHE_OPEN_DATA_DIR = tmp_path / "open-data"


@pytest.fixture(autouse=True)
def _site_language():
    # A request or a service that activates a language leaves it active in its thread: each test
    # starts in the site's language, whatever the test before it read or wrote.
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _empty_cache():
    # Rate limits and one-time codes live in the cache; each test starts with none.
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def one_city_day():
    """The test runs within one day of the city's (settings.TIME_ZONE): when fewer than fifteen
    minutes of the day are left, it starts at the next day's first second instead, its clock
    ticking. For a test that makes things dated today (or this month) and then checks what is
    due, late or counted today: a midnight between the two would move "today" under it.
    Requested first (`pytest.mark.usefixtures("one_city_day")` on the module), before the
    fixtures that make those things."""
    import datetime

    import time_machine
    from django.utils import timezone

    now = timezone.localtime()
    next_day = now.date() + datetime.timedelta(days=1)
    midnight = timezone.make_aware(datetime.datetime.combine(next_day, datetime.time()))
    if midnight - now > datetime.timedelta(minutes=15):
        yield
        return
    with time_machine.travel(midnight + datetime.timedelta(seconds=1), tick=True):
        yield


@pytest.fixture
def sms_outbox(settings):
    """Text messages go to memory (tests.phone reads their codes), none before the test."""
    from veche.identity import sms

    settings.VECHE_SMS_BACKEND = "memory"
    sms.outbox.clear()
    yield sms.outbox
    sms.outbox.clear()


@pytest.fixture(scope="session")
def django_db_modify_db_settings(request, django_db_modify_db_settings_parallel_suffix):
    """When a test runs the real `veche db_worker` in a subprocess (tests/test_worker_crash.py),
    the SQLite test database is a file next to the configured one, not memory, so that the
    subprocess can open it too. Other runs keep the faster database in memory."""
    from pathlib import Path

    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"] != "django.db.backends.sqlite3" or database.get("TEST", {}).get("NAME"):
        return
    if not any(item.get_closest_marker("subprocess_database") for item in request.session.items):
        return
    path = Path(database["NAME"])
    worker = getattr(request.config, "workerinput", {}).get("workerid")
    name = f"test_{path.stem}_{worker}" if worker else f"test_{path.stem}"
    database.setdefault("TEST", {})["NAME"] = str(path.with_name(name + path.suffix))


@pytest.fixture(scope="module")
def demo_city(request, django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo city, loaded once for the tests of a module that ask for it (a load takes tens
    of seconds): each test runs in a savepoint over it, so it finds the demo as loaded whatever
    the tests before it did. Its files stay in a folder of the module's. A module may set
    `DEMO_SETTINGS`, the settings the demo is loaded under. Such a module is marked
    `pytest.mark.xdist_group` so that its tests run in one worker, one after another (the test
    command runs with `--dist loadgroup`), and the demo is loaded once."""
    from django.core.cache import cache
    from django.core.management import call_command
    from django.test import TestCase, override_settings

    from tests.migration_rows import restore_migration_rows

    folder = tmp_path_factory.mktemp("demo")
    overrides = {
        "PASSWORD_HASHERS": ["django.contrib.auth.hashers.MD5PasswordHasher"],
        "VECHE_PAGE_CACHE_SECONDS": 0,
        "MEDIA_ROOT": folder / "media",
        "VECHE_OPEN_DATA_DIR": folder / "open-data",
        **getattr(request.module, "DEMO_SETTINGS", {}),
    }
    with override_settings(**overrides), django_db_blocker.unblock():
        # The atomic blocks of a TestCase's class: every test's own nest inside them.
        atomics = TestCase._enter_atomics()
        try:
            cache.clear()
            restore_migration_rows()
            call_command("demo")
            yield
        finally:
            TestCase._rollback_atomics(atomics)
            cache.clear()
