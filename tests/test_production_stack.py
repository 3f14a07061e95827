"""The production recipe of the README, run: gunicorn with VECHE_ENV=production on PostgreSQL, with
Redis as the shared cache, collected static files, serving the pages residents open first."""

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.db import connection

from tests.factories import make_discussion, make_problem

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
BIN = Path(sys.executable).parent

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="the production recipe is PostgreSQL's; the PostgreSQL run of `make test` runs it",
    ),
]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _database_url() -> str:
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def redis_db():
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.flushdb()
    except redis.ConnectionError:
        pytest.fail(f"Redis is not reachable at {REDIS_URL} (set TEST_REDIS_URL)")
    yield client
    client.flushdb()


@pytest.fixture
def production_env(tmp_path):
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("VECHE_", "DJANGO_", "DATABASE_", "PYTEST", "EMAIL_"))
    }
    env.update(
        VECHE_ENV="production",
        SECRET_KEY="production-stack-test-" + "k" * 40,
        ALLOWED_HOSTS="127.0.0.1",
        DATABASE_URL=_database_url(),
        CACHE_URL=REDIS_URL,
        EMAIL_URL="smtp://127.0.0.1:2525",
        SITE_URL="https://127.0.0.1",
        VECHE_SMS_BACKEND="http",
        VECHE_SMS_GATEWAY_URL="https://sms.gateway.invalid/send",
        VECHE_SMS_GATEWAY_TOKEN="token",
        VECHE_VAR_DIR=str(tmp_path / "var"),
        STATIC_ROOT=str(tmp_path / "static"),
        MEDIA_ROOT=str(tmp_path / "media"),
        DJANGO_SETTINGS_MODULE="veche.settings",
    )
    return env


def _get(url: str, *, https: bool = True) -> tuple[int, dict, bytes]:
    headers = {"X-Forwarded-Proto": "https"} if https else {}
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 (a local http URL)

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(request, timeout=15) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


@pytest.fixture
def gunicorn(production_env, tmp_path):
    subprocess.run(  # noqa: S603 (our own commands)
        [str(BIN / "veche"), "collectstatic", "--noinput", "-v", "0"],
        env=production_env,
        check=True,
        timeout=300,
    )
    port = _free_port()
    log = tmp_path / "gunicorn.log"
    with log.open("wb") as output:
        server = subprocess.Popen(  # noqa: S603
            [str(BIN / "gunicorn"), "veche.wsgi", "--workers", "2", "--bind", f"127.0.0.1:{port}"],
            env=production_env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    try:
        while True:
            try:
                if _get(base + "/healthz")[0] == 200:
                    break
            except OSError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                pytest.fail("gunicorn did not start:\n" + log.read_text(errors="replace"))
            time.sleep(0.3)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=20)


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
        status, headers, body = _get(gunicorn + path)
        assert status == 200, (path, status, body[:500])
        assert "Strict-Transport-Security" in headers, path
        assert "Content-Security-Policy" in headers, path
        if text:
            assert text in body.decode(), path

    # Static files are served by each app server from the collected, hashed manifest.
    _, _, home = _get(gunicorn + "/")
    css = next(
        part.split('"')[0]
        for part in home.decode().split('href="')[1:]
        if part.startswith("/static/") and ".css" in part.split('"')[0]
    )
    assert css.count(".") >= 2, "production static names carry a content hash"
    status, headers, _ = _get(gunicorn + css)
    assert status == 200
    assert "max-age" in headers.get("Cache-Control", "")

    # The shared cache is Redis: what one app server caches, another finds there.
    assert any(b"identity-provider-origins" in key for key in redis_db.keys("*"))

    # Plain HTTP is sent to HTTPS; the health check stays reachable for the load balancer.
    status, headers, _ = _get(gunicorn + "/problems/", https=False)
    assert status == 301 and headers["Location"].startswith("https://")
    assert _get(gunicorn + "/healthz", https=False)[0] == 200
