"""The production recipe of the README, run: gunicorn with VECHE_ENV=production on PostgreSQL, with
Redis as the shared cache, collected static files, serving the pages residents open first."""

import pytest

from tests.factories import make_discussion, make_problem
from tests.production import ONLY_POSTGRESQL, empty_redis, fetch, processes, production_env

pytestmark = [pytest.mark.django_db(transaction=True), ONLY_POSTGRESQL]


@pytest.fixture
def redis_db():
    with empty_redis() as client:
        yield client


@pytest.fixture
def gunicorn(tmp_path, static_root):
    with processes(production_env(tmp_path, STATIC_ROOT=str(static_root)), tmp_path) as started:
        base = started.app_server("gunicorn")
        started.wait_until_serving()
        yield base


def test_gunicorn_in_production_serves_the_main_pages_from_postgresql_and_redis(redis_db, gunicorn):
    problem = make_problem(title="Ямы во дворе на улице Баумана")
    discussion = make_discussion()

    pages = {
        "/": None,
        "/problems/": "Ямы во дворе на улице Баумана",
        problem.get_absolute_url(): "Ямы во дворе на улице Баумана",
        "/discussions/": discussion.title,
        discussion.get_absolute_url(): discussion.title,
        "/organizations/rating/": None,
        "/accounts/login/": None,
    }
    for path, text in pages.items():
        status, headers, body = fetch(gunicorn + path)
        assert status == 200, (path, status, body[:500])
        assert "Strict-Transport-Security" in headers, path
        assert "Content-Security-Policy" in headers, path
        if text:
            assert text in body.decode(), path

    # Static files are served by each app server from the collected, hashed manifest.
    _, _, home = fetch(gunicorn + "/")
    css = next(
        part.split('"')[0]
        for part in home.decode().split('href="')[1:]
        if part.startswith("/static/") and ".css" in part.split('"')[0]
    )
    assert css.count(".") >= 2, "production static names carry a content hash"
    status, headers, _ = fetch(gunicorn + css)
    assert status == 200
    assert "max-age" in headers.get("Cache-Control", "")

    # The shared cache is Redis: what one app server caches, another finds there.
    assert any(b"identity-provider-origins" in key for key in redis_db.keys("*"))

    # Plain HTTP is sent to HTTPS; the health check stays reachable for the load balancer.
    status, headers, _ = fetch(gunicorn + "/problems/", https=False)
    assert status == 301 and headers["Location"].startswith("https://")
    assert fetch(gunicorn + "/healthz", https=False)[0] == 200
