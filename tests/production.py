"""The production recipe of the README, run on this machine against the test database: its
environment (VECHE_ENV=production, Redis as the shared cache), gunicorn app servers and the
background commands, each a process of its own, and plain HTTP requests to them as a proxy
that terminated TLS would send them."""

import os
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from email.message import Message
from pathlib import Path
from typing import NamedTuple

import pytest
from django.db import connection

from tests.servers import database_url, free_port

BIN = Path(sys.executable).parent
# Each test that flushes a Redis database has one of its own: tests run in parallel (-n 2).
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
ONLY_POSTGRESQL = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="the production recipe is PostgreSQL's; the PostgreSQL run of `make test` runs it",
)


def redis_url(database: int) -> str:
    """REDIS_URL with another database number."""
    return REDIS_URL.rsplit("/", 1)[0] + f"/{database}"


@contextmanager
def empty_redis(url: str = REDIS_URL):
    """A Redis database emptied before and after the block; yields its client."""
    import redis

    client = redis.Redis.from_url(url)
    try:
        client.flushdb()
    except redis.ConnectionError:
        pytest.fail(f"Redis is not reachable at {url} (set TEST_REDIS_URL)")
    try:
        yield client
    finally:
        client.flushdb()


def production_env(folder: Path, **overrides: str) -> dict[str, str]:
    """The environment of a production machine, with its own var, static and media folders in
    `folder`, against the test database."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("VECHE_", "DJANGO_", "DATABASE_", "PYTEST", "EMAIL_"))
    }
    env.update(
        VECHE_ENV="production",
        SECRET_KEY="production-stack-test-" + "k" * 40,
        ALLOWED_HOSTS="127.0.0.1",
        DATABASE_URL=database_url(),
        CACHE_URL=REDIS_URL,
        EMAIL_URL="smtp://127.0.0.1:2525",
        SITE_URL="https://127.0.0.1",
        VECHE_SMS_BACKEND="http",
        VECHE_SMS_GATEWAY_URL="https://sms.gateway.invalid/send",
        VECHE_SMS_GATEWAY_TOKEN="token",
        VECHE_VAR_DIR=str(folder / "var"),
        STATIC_ROOT=str(folder / "static"),  # app servers share the `static_root` fixture's
        MEDIA_ROOT=str(folder / "media"),
        DJANGO_SETTINGS_MODULE="veche.settings",
    )
    env.update(overrides)
    return env


def collect_static(env: dict[str, str]) -> None:
    subprocess.run(  # noqa: S603 (our own command)
        [str(BIN / "veche"), "collectstatic", "--noinput", "-v", "0"],
        env=env,
        check=True,
        timeout=300,
    )


class Processes:
    """The processes a test starts: the project's commands (`gunicorn`, `veche …`), each with its
    output in a log in `folder`, all stopped together as a supervisor stops them (SIGTERM, then
    SIGKILL for one that does not stop)."""

    def __init__(self, env: dict[str, str], folder: Path):
        self.env, self.folder = env, folder
        self.started: list[subprocess.Popen] = []
        self.app_servers: list[tuple[str, subprocess.Popen, Path]] = []

    def start(self, name: str, *command: str) -> subprocess.Popen:
        log = self.folder / f"{name}.log"
        with log.open("wb") as output:
            process = subprocess.Popen(  # noqa: S603 (our own commands)
                [str(BIN / command[0]), *command[1:]],
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=output,
                stderr=subprocess.STDOUT,
            )
        self.started.append(process)
        return process

    def app_server(self, name: str, *, workers: int = 2) -> str:
        """Start gunicorn as the README runs it; its address, which answers once
        `wait_until_serving` returns."""
        port = free_port()
        bind = f"127.0.0.1:{port}"
        server = self.start(
            name, "gunicorn", "veche.wsgi", "--workers", str(workers), "--bind", bind
        )
        self.app_servers.append((f"http://{bind}", server, self.folder / f"{name}.log"))
        return f"http://{bind}"

    def wait_until_serving(self, seconds: float = 90) -> None:
        """Wait for every app server to answer its health check (the servers start together)."""
        deadline = time.monotonic() + seconds
        for base, server, log in self.app_servers:
            while not _healthy(base):
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail("gunicorn did not start:\n" + log.read_text(errors="replace"))
                time.sleep(0.3)

    def stop(self) -> None:
        for process in self.started:
            process.terminate()
        for process in self.started:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)


@contextmanager
def processes(env: dict[str, str], folder: Path) -> Iterator[Processes]:
    """Processes started in the block, all stopped when it ends."""
    started = Processes(env, folder)
    try:
        yield started
    finally:
        started.stop()


def _healthy(base: str) -> bool:
    try:
        return fetch(base + "/healthz").status == 200
    except OSError:
        return False


class Response(NamedTuple):
    status: int
    headers: Message
    body: bytes


def fetch(
    url: str,
    *,
    https: bool = True,
    data: dict[str, str] | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    """One request, redirects not followed; `https`: as a proxy that terminated TLS sends it.
    With `data`, a form POST."""
    headers = {**({"X-Forwarded-Proto": "https"} if https else {}), **(headers or {})}
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    request = urllib.request.Request(url, data=body, headers=headers)  # noqa: S310 (local URL)

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(request, timeout=30) as response:
            return Response(response.status, response.headers, response.read())
    except urllib.error.HTTPError as error:
        return Response(error.code, error.headers, error.read())
