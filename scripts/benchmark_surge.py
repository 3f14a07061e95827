"""A viral appeal on this machine: `make benchmark-surge`.

Runs Veche as in production (VECHE_ENV=production, PostgreSQL, Redis as the cache, gunicorn with
4 workers and Veche's gunicorn configuration) and loads it with Debian's `wrk` and the Lua
scripts in scripts/surge/ (wrk is installed with apt-get when missing). In the same run it
measures a floor: the least a Django view can do on the same stack (scripts/surge/floor.py:
INSERT … ON CONFLICT DO NOTHING of a signature plus an UPDATE of a counter in one transaction,
and a one-SELECT page), and prints every figure of Veche with its ratio to the floor:

1. signing one appeal: verified residents, each with a signed-in session prepared beforehand,
   sign once each (an htmx POST, as the page's button sends it), 64 clients;
2. the appeal page during a surge: anonymous and signed-in readers while 64 clients sign;
3. overload: 4 × 64 signing clients; past capacity Veche answers 503 with Retry-After, and
   serves again by itself once the surge is over;
4. nothing acknowledged is lost: a gunicorn worker is killed with SIGKILL and PostgreSQL is
   restarted while 64 clients sign; every person who was answered "signed" is stored once;
5. after each signing run, the count the page displays against the signatures stored.

PostgreSQL is a cluster of the benchmark's own (Debian's pg_createcluster, port 5499, dropped
at the end), so that restarting it disturbs nobody; this needs root. With --database-url the
benchmark uses the database `veche_surge_bench` on that server instead (made afresh and dropped)
and restarts PostgreSQL only when --restart-command says how.

    make benchmark-surge                      # the full run, about ten minutes
    .venv/bin/python scripts/benchmark_surge.py --quick --no-readme
    .venv/bin/python scripts/benchmark_surge.py --database-url postgres://postgres@127.0.0.1/x \\
        --restart-command 'systemctl restart postgresql'

The README's Performance table is rewritten between its surge markers (unless --no-readme).
"""

import argparse
import math
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
SURGE = ROOT / "scripts" / "surge"
BIN = Path(sys.executable).parent
README = ROOT / "README.md"
DATABASE = "veche_surge_bench"
CLUSTER = "veche_bench"
CLUSTER_PORT = 5499
WRK_THREADS = 2
MARK_BEGIN = "<!-- benchmark-surge:begin -->"
MARK_END = "<!-- benchmark-surge:end -->"
LOAD_AT_START = os.getloadavg()[0]


def say(text: str) -> None:
    print(text, flush=True)


# --- Tools and services -----------------------------------------------------------------------


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() != 0:
        sys.exit("wrk is missing: install it (apt-get install wrk) or run as root.")
    say("Installing wrk (apt-get install wrk) …")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    if subprocess.run(["apt-get", "install", "-y", "wrk"], env=env, check=False).returncode:
        subprocess.run(["apt-get", "update"], env=env, check=True)
        subprocess.run(["apt-get", "install", "-y", "wrk"], env=env, check=True)
    return shutil.which("wrk") or sys.exit("wrk did not install.")


class OwnCluster:
    """A PostgreSQL cluster of the benchmark's own, made and dropped with Debian's tools."""

    def __init__(self):
        if os.geteuid() != 0 or not shutil.which("pg_createcluster"):
            sys.exit(
                "An own PostgreSQL cluster needs root and Debian's postgresql-common "
                "(pg_createcluster); or pass --database-url (and --restart-command)."
            )
        versions = sorted(
            (p.name for p in Path("/usr/lib/postgresql").iterdir() if p.name.isdigit()), key=int
        )
        self.version = versions[-1]
        self.url = f"postgres://postgres@127.0.0.1:{CLUSTER_PORT}/{DATABASE}"

    def start(self) -> None:
        self.drop()  # one left by an interrupted run
        say(f"Creating PostgreSQL {self.version} cluster {CLUSTER} on port {CLUSTER_PORT} …")
        subprocess.run(
            [
                "pg_createcluster",
                self.version,
                CLUSTER,
                "--port",
                str(CLUSTER_PORT),
                "--start",
                "-o",
                "max_connections=200",
                "--",
                "--auth-host=trust",
                "--auth-local=trust",
            ],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        create_database(self.url)

    def restart(self) -> None:
        subprocess.run(
            ["pg_ctlcluster", self.version, CLUSTER, "restart", "-m", "fast"], check=True
        )

    def drop(self) -> None:
        listed = subprocess.run(["pg_lsclusters", "-h"], capture_output=True, text=True).stdout
        if any(line.split()[:2] == [self.version, CLUSTER] for line in listed.splitlines()):
            subprocess.run(["pg_dropcluster", self.version, CLUSTER, "--stop"], check=False)


class GivenServer:
    """The database `veche_surge_bench` on a PostgreSQL server named by --database-url."""

    def __init__(self, url: str, restart_command: str):
        parts = urlparse(url)
        self.url = urlunparse(parts._replace(path=f"/{DATABASE}"))
        self.restart_command = restart_command

    def start(self) -> None:
        create_database(self.url)

    def restart(self) -> None:
        subprocess.run(self.restart_command, shell=True, check=True)  # noqa: S602 (the operator's)

    def drop(self) -> None:
        import psycopg

        with psycopg.connect(maintenance_url(self.url), autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')


def maintenance_url(url: str) -> str:
    return urlunparse(urlparse(url)._replace(path="/postgres"))


def create_database(url: str) -> None:
    import psycopg

    with psycopg.connect(maintenance_url(url), autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{DATABASE}"')


def wait_for_database(url: str, timeout: float = 60) -> None:
    import psycopg

    deadline = time.monotonic() + timeout
    while True:
        try:
            psycopg.connect(url, connect_timeout=2).close()
            return
        except psycopg.OperationalError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Gunicorn:
    """gunicorn with Veche's configuration (4 threaded workers), serving `settings`."""

    def __init__(self, env: dict, settings: str, workdir: Path, name: str):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = workdir / f"gunicorn-{name}.log"
        command = [
            str(BIN / "gunicorn"), "veche.wsgi", "-c", "python:veche.core.gunicorn_config",
            "--workers", "4", "--bind", f"127.0.0.1:{self.port}",
            "--pythonpath", str(ROOT / "scripts"),
        ]  # fmt: skip
        with self.log.open("wb") as output:
            self.process = subprocess.Popen(
                command,
                env={**env, "DJANGO_SETTINGS_MODULE": settings},
                cwd=ROOT,
                stdout=output,
                stderr=subprocess.STDOUT,
            )

    def wait_ready(self, path: str) -> None:
        deadline = time.monotonic() + 60
        while True:
            try:
                if fetch(self.base + path)[0] < 500:
                    return
            except OSError:
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                sys.exit("gunicorn did not start:\n" + self.log.read_text(errors="replace"))
            time.sleep(0.3)

    def workers(self) -> list[int]:
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in children.read_text().split()]

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def fetch(url: str, headers: dict | None = None) -> tuple[int, str]:
    request = urllib.request.Request(  # noqa: S310 (a local http URL)
        url, headers={"X-Forwarded-Proto": "https", **(headers or {})}
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(errors="replace")


def cpu_seconds(server: "Gunicorn") -> float:
    """CPU time used so far by the app server's workers and by PostgreSQL's processes of the
    benchmark's own cluster (their titles name it): on a machine shared with other work, the
    CPU a request costs says more than how many requests an oversubscribed machine served."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    pids = set(server.workers())
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            title = (entry / "cmdline").read_bytes().replace(b"\0", b" ")
            if int(entry.name) in pids or f"/{CLUSTER}".encode() in title:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                total += int(fields[11]) + int(fields[12])  # utime, stime
        except (OSError, ValueError, IndexError):
            continue
    return total / ticks


# --- Load -----------------------------------------------------------------------------------


@dataclass
class Run:
    """What one wrk process saw."""

    seconds: float
    requests: int
    errors: dict
    latency_us: tuple[int, int, int, int]  # wrk's p50, p95, p99, max over every answer
    statuses: dict = field(default_factory=dict)
    signed: dict = field(default_factory=dict)  # person index -> microseconds to the answer
    refused: int = 0  # answered, not "signed" and not shed
    shed: int = 0  # 503 with Retry-After
    shed_without_retry_after: int = 0
    exhausted: int = 0
    cpu: float = 0.0  # server CPU seconds (app server and PostgreSQL) during the run

    @property
    def cpu_per_signature_ms(self) -> float:
        return 1000 * self.cpu / max(len(self.signed), 1)

    @property
    def rate(self) -> float:
        return (len(self.signed) if self.signed else self.ok) / self.seconds

    @property
    def ok(self) -> int:
        return self.statuses.get(200, 0)

    def signed_percentile(self, q: float) -> float:
        return percentile(sorted(self.signed.values()), q) / 1000

    def page_percentile(self, q: float) -> float:
        return {50: self.latency_us[0], 95: self.latency_us[1], 99: self.latency_us[2]}[q] / 1000

    @property
    def socket_errors(self) -> int:
        """Connections refused, broken or timed out (wrk's "status" errors are answers)."""
        return sum(n for kind, n in self.errors.items() if kind != "status")


def percentile(ordered: list, q: float) -> float:
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, math.ceil(q / 100 * len(ordered)) - 1)]


class Wrk:
    def __init__(self, wrk: str, workdir: Path):
        self.wrk = wrk
        self.workdir = workdir
        self.counter = 0

    def start(self, script: str, url: str, *, connections: int, seconds: float, env: dict):
        self.counter += 1
        out = self.workdir / f"wrk-{self.counter}.out"
        command = [
            self.wrk, f"-t{WRK_THREADS}", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s",
            "-s", str(SURGE / script), url,
        ]  # fmt: skip
        process = subprocess.Popen(
            command,
            env={**os.environ, **env, "SURGE_THREADS": str(WRK_THREADS), "SURGE_OUT": str(out)},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        return process, out

    def finish(self, started) -> Run:
        process, out = started
        _stdout, stderr = process.communicate()
        if process.returncode or not out.exists():
            sys.exit(f"wrk failed: {stderr.decode(errors='replace')}")
        return parse(out.read_text())

    def run(self, script: str, url: str, **kwargs) -> Run:
        return self.finish(self.start(script, url, **kwargs))


def parse(text: str) -> Run:
    run = None
    for line in text.splitlines():
        kind, *values = line.split()
        if kind == "summary":
            duration, requests, *errors = (int(v) for v in values)
            run = Run(
                seconds=duration / 1e6,
                requests=requests,
                errors=dict(
                    zip(("connect", "read", "write", "status", "timeout"), errors, strict=True)
                ),
                latency_us=(0, 0, 0, 0),
            )
        elif kind == "latency":
            run.latency_us = tuple(int(v) for v in values)
        elif kind == "status":
            run.statuses[int(values[0])] = run.statuses.get(int(values[0]), 0) + int(values[1])
        elif kind == "exhausted":
            run.exhausted += int(values[0])
        elif kind == "answer":
            index, status, signed, retry, elapsed = values
            status = int(status)
            run.statuses[status] = run.statuses.get(status, 0) + 1
            if signed == "1":
                run.signed[int(index)] = int(elapsed)
            elif status == 503:
                run.shed += retry == "1"
                run.shed_without_retry_after += retry != "1"
            else:
                run.refused += 1
    return run


# --- Veche's data -----------------------------------------------------------------------------


def django_setup(env: dict) -> None:
    os.environ.update(env)
    os.environ["DJANGO_SETTINGS_MODULE"] = "veche.settings"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def build_appeal():
    """A district, its organization and a problem whose appeal collects signatures. The
    threshold is out of reach, so that every signature of the run counts on a collecting appeal."""
    from veche.appeals.models import AppealPolicy, Category
    from veche.appeals.services import publish_problem
    from veche.organizations.models import Organization
    from veche.territories.models import Territory

    city = Territory.objects.create(
        code="surge-city", kind=Territory.Kind.CITY, name={"ru": "Город", "en": "City"}
    )
    district = Territory.objects.create(
        code="surge-district",
        parent=city,
        kind=Territory.Kind.DISTRICT,
        name={"ru": "Центральный район", "en": "Central District"},
    )
    organization = Organization.objects.create(
        slug="surge-administration",
        kind=Organization.Kind.AUTHORITY,
        name={"ru": "Администрация района", "en": "District administration"},
        dispatch_email="administration@example.org",
        postal_address="ул. Центральная, 1",
    )
    organization.jurisdiction.set([district])
    AppealPolicy.objects.create(organization=organization, signature_threshold=10_000_000)
    category, _created = Category.objects.get_or_create(
        slug="roads", defaults={"name": {"ru": "Дороги", "en": "Roads"}}
    )
    author = crowd(district, 1, prefix="author")[0][0]
    problem = publish_problem(
        author=author,
        title="Вернуть трамвай на центральную улицу",
        description="Трамвайную линию разобрали без обсуждения с жителями. " * 8,
        category=category,
        territory=district,
        organization=organization,
        appeal_text="Просим восстановить трамвайную линию по центральной улице. " * 12,
    )
    return problem, district


_crowd_counter = 0


def crowd(district, count: int, *, prefix: str = "p") -> list[tuple]:
    """`count` residents of `district`, verified through the census, with a confirmed e-mail,
    a consent to processing and a signed-in session as the site leaves it once the person has
    opened a page. Returns (user, session key, CSRF secret) for each."""
    global _crowd_counter
    import datetime

    from allauth.account.models import EmailAddress
    from django.conf import settings
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session
    from django.middleware.csrf import _get_new_csrf_string
    from django.utils import timezone

    from veche.accounts.middleware import CONSENT_KEY, LAST_SEEN_KEY
    from veche.accounts.models import Consent, User
    from veche.identity.models import Level, Verification

    now = timezone.now()
    batch = _crowd_counter
    _crowd_counter += 1
    users = [
        User(
            email=f"{prefix}{batch}-{n}@surge.example",
            first_name="Житель",
            last_name=f"Номер{n}",
            password="!" + secrets.token_urlsafe(20),  # unusable: they are signed in already
        )
        for n in range(count)
    ]
    User.objects.bulk_create(users, batch_size=2000)
    EmailAddress.objects.bulk_create(
        [EmailAddress(user=u, email=u.email, verified=True, primary=True) for u in users],
        batch_size=2000,
    )
    Consent.objects.bulk_create(
        [
            Consent(
                user=u,
                kind=Consent.Kind.PROCESSING,
                text_version=settings.VECHE_PRIVACY_POLICY_VERSION,
                given_at=now,
            )
            for u in users
        ],
        batch_size=2000,
    )
    Verification.objects.bulk_create(
        [
            Verification(
                user=u,
                level=Level.CENSUS,
                source=Verification.Source.CENSUS,
                source_reference="surge",
                verified_claims={
                    "verification": {"trust_framework": "surge", "time": now.isoformat()},
                    "claims": {"family_name": u.last_name, "given_name": u.first_name},
                },
                birthdate=datetime.date(1980, 1, 1),
                territory=district,
                verified_at=now,
            )
            for u in users
        ],
        batch_size=2000,
    )
    store = SessionStore()
    seen = int(time.time())
    sessions, people = [], []
    for user in users:
        key = secrets.token_hex(16)
        data = {
            "_auth_user_id": str(user.pk),
            "_auth_user_backend": "allauth.account.auth_backends.AuthenticationBackend",
            "_auth_user_hash": user.get_session_auth_hash(),
            LAST_SEEN_KEY: seen,
            CONSENT_KEY: f"{user.pk}:{settings.VECHE_PRIVACY_POLICY_VERSION}",
        }
        sessions.append(
            Session(
                session_key=key,
                session_data=store.encode(data),
                expire_date=now + datetime.timedelta(days=14),
            )
        )
        people.append((user, key, _get_new_csrf_string()))
    Session.objects.bulk_create(sessions, batch_size=2000)
    return people


def write_people(path: Path, people: list[tuple]) -> None:
    path.write_text("".join(f"{user.pk} {key} {csrf}\n" for user, key, csrf in people))


def stored_signatures(appeal_id: int) -> tuple[int, int]:
    """(active signatures stored, the appeal's counter)."""
    from veche.appeals.models import Appeal, Signature

    active = Signature.objects.filter(appeal_id=appeal_id, withdrawn_at__isnull=True).count()
    return active, Appeal.objects.get(pk=appeal_id).signature_count


def check_acknowledged(appeal_id: int, run: Run, people: list[tuple]) -> dict:
    """Every person answered "signed" is stored exactly once; who else is stored (answers lost
    with a killed worker or a dropped connection) is counted apart."""
    from django.db.models import Count

    from veche.appeals.models import Signature

    asked = [user.pk for user, _key, _csrf in people]
    stored = dict(
        Signature.objects.filter(appeal_id=appeal_id, user_id__in=asked, withdrawn_at__isnull=True)
        .values_list("user_id")
        .annotate(n=Count("id"))
        .values_list("user_id", "n")
    )
    acked = set(run.signed)
    return {
        "acknowledged": len(acked),
        "acknowledged_stored_once": sum(1 for pk in acked if stored.get(pk) == 1),
        "lost": sum(1 for pk in acked if pk not in stored),
        "doubled": sum(1 for n in stored.values() if n > 1),
        "stored_unacknowledged": sum(1 for pk in stored if pk not in acked),
    }


def displayed_count(base: str, problem_id: int) -> int | None:
    status, body = fetch(f"{base}/problems/{problem_id}/count/")
    found = re.search(r'data-count="(\d+)"', body) if status == 200 else None
    return int(found.group(1)) if found else None


def count_agreement(base: str, problem_id: int, appeal_id: int, finished: float) -> dict:
    """The count the page shows against the signatures stored, right after the last one;
    polled until they agree (at most 5 s)."""
    while True:
        shown = displayed_count(base, problem_id)
        stored, counter = stored_signatures(appeal_id)
        waited = time.monotonic() - finished
        if shown == stored == counter or waited > 5:
            return {"shown": shown, "stored": stored, "counter": counter, "after_s": waited}
        time.sleep(0.05)


# --- The run --------------------------------------------------------------------------------


@dataclass
class Plan:
    clients: int
    sign_seconds: int
    surge_seconds: int
    overload_seconds: int
    crash_seconds: int
    anonymous_readers: int = 24
    signed_in_readers: int = 8

    @classmethod
    def of(cls, quick: bool, clients: int, seconds: int | None):
        if quick:
            return cls(clients, seconds or 10, 8, 8, 12)
        return cls(clients, seconds or 60, 30, 20, 30)


def production_env(database_url: str, redis_url: str, workdir: Path) -> dict:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("VECHE_", "DJANGO_", "DATABASE_", "CACHE_", "EMAIL_"))
    }
    env.update(
        VECHE_ENV="production",
        SECRET_KEY="benchmark-surge-" + secrets.token_urlsafe(48),
        ALLOWED_HOSTS="127.0.0.1",
        CSRF_TRUSTED_ORIGINS="https://127.0.0.1",
        # wrk stands for the reverse proxy: its X-Forwarded-For names each signer's address.
        VECHE_TRUSTED_PROXIES="1",
        DATABASE_URL=database_url,
        CACHE_URL=redis_url,
        EMAIL_URL="smtp://127.0.0.1:2525",
        SITE_URL="https://127.0.0.1",
        VECHE_SMS_BACKEND="http",
        VECHE_SMS_GATEWAY_URL="https://sms.gateway.invalid/send",
        VECHE_SMS_GATEWAY_TOKEN="token",
        VECHE_VAR_DIR=str(workdir / "var"),
        STATIC_ROOT=str(workdir / "static"),
        MEDIA_ROOT=str(workdir / "media"),
        PYTHONPATH=str(ROOT),
    )
    return env


def flush_redis(url: str) -> None:
    import redis

    redis.Redis.from_url(url).flushdb()


def measure_floor(wrk: Wrk, env: dict, workdir: Path, plan: Plan) -> dict:
    from django.db import connection

    with connection.cursor() as cursor:
        from importlib import import_module

        sys.path.insert(0, str(ROOT / "scripts"))
        cursor.execute(import_module("surge.floor").TABLES)
    server = Gunicorn(env, "surge.floor", workdir, "floor")
    try:
        server.wait_ready("/floor/page/")
        people = workdir / "floor-people"
        people.write_text("".join(f"{n}\n" for n in range(1, 400_001)))
        say(f"Floor: signing, {plan.clients} clients, {plan.sign_seconds} s …")
        before = cpu_seconds(server)
        sign = wrk.run(
            "sign.lua",
            server.base + "/floor/sign/",
            connections=plan.clients,
            seconds=plan.sign_seconds,
            env={"SURGE_USERS": str(people), "SURGE_MODE": "floor"},
        )
        sign.cpu = cpu_seconds(server) - before
        say(f"Floor: the page while {plan.clients} clients sign, {plan.surge_seconds} s …")
        rest = workdir / "floor-people-2"
        rest.write_text("".join(f"{n}\n" for n in range(500_001, 900_001)))
        signers = wrk.start(
            "sign.lua",
            server.base + "/floor/sign/",
            connections=plan.clients,
            seconds=plan.surge_seconds,
            env={"SURGE_USERS": str(rest), "SURGE_MODE": "floor"},
        )
        readers = plan.anonymous_readers + plan.signed_in_readers
        page = wrk.run(
            "read.lua",
            server.base + "/floor/page/",
            connections=readers,
            seconds=plan.surge_seconds,
            env={},
        )
        wrk.finish(signers)
    finally:
        server.stop()
    return {"sign": sign, "page": page}


def measure_veche(wrk: Wrk, env: dict, workdir: Path, plan: Plan, database, floor: dict) -> dict:
    from django.db import connections

    from veche.appeals.models import Signature

    problem, district = build_appeal()
    appeal_id = problem.current_appeal_id
    url = f"/problems/{problem.pk}/"
    results: dict = {}
    server = Gunicorn(env, "veche.settings", workdir, "veche")
    server.wait_ready("/healthz")
    referer = f"https://127.0.0.1:{server.port}{url}"

    def people_for(seconds: float, rate: float, clients: int) -> list[tuple]:
        count = int(rate * seconds * 1.3) + clients * 4 + 200
        started = time.monotonic()
        people = crowd(district, count)
        say(f"  ({count} signed-in residents prepared in {time.monotonic() - started:.0f} s)")
        return people

    def signing(name, people, *, connections, seconds, during=None):
        path = workdir / f"people-{name}"
        write_people(path, people)
        started = wrk.start(
            "sign.lua",
            server.base + url + "sign/",
            connections=connections,
            seconds=seconds,
            env={"SURGE_USERS": str(path), "SURGE_MODE": "veche", "SURGE_REFERER": referer},
        )
        before = cpu_seconds(server)
        if during:
            during()
        run = wrk.finish(started)
        run.cpu = cpu_seconds(server) - before
        finished = time.monotonic()
        agreement = count_agreement(server.base, problem.pk, appeal_id, finished)
        acknowledged = check_acknowledged(appeal_id, run, people)
        if run.exhausted:
            say(f"  warning: {run.exhausted} requests found no prepared person left")
        return run, agreement, acknowledged

    try:
        # Warm every worker's first request (imports, template loading, connections).
        for _ in range(20):
            fetch(server.base + url)
        floor_rate = floor["sign"].rate

        say(f"Veche: signing, {plan.clients} clients, {plan.sign_seconds} s …")
        people = people_for(plan.sign_seconds, floor_rate, plan.clients)
        results["sign"] = signing(
            "sign", people, connections=plan.clients, seconds=plan.sign_seconds
        )
        rate = max(results["sign"][0].rate, 50)

        say(f"Veche: the page while {plan.clients} clients sign, {plan.surge_seconds} s …")
        readers_file = workdir / "readers"
        write_people(readers_file, people[: max(plan.signed_in_readers * 8, 64)])
        surge_people = people_for(plan.surge_seconds, rate, plan.clients)
        pages = {}

        def read_pages():
            anonymous = wrk.start(
                "read.lua",
                server.base + url,
                connections=plan.anonymous_readers,
                seconds=plan.surge_seconds,
                env={},
            )
            signed_in = wrk.start(
                "read.lua",
                server.base + url,
                connections=plan.signed_in_readers,
                seconds=plan.surge_seconds,
                env={"SURGE_USERS": str(readers_file)},
            )
            pages["anonymous"] = wrk.finish(anonymous)
            pages["signed_in"] = wrk.finish(signed_in)

        results["surge"] = signing(
            "surge",
            surge_people,
            connections=plan.clients,
            seconds=plan.surge_seconds,
            during=read_pages,
        )
        results["pages"] = pages

        overload_clients = plan.clients * 4
        say(f"Veche: overload, {overload_clients} clients, {plan.overload_seconds} s …")
        results["overload"] = signing(
            "overload",
            people_for(plan.overload_seconds, rate, overload_clients),
            connections=overload_clients,
            seconds=plan.overload_seconds,
        )
        say(f"Veche: after the overload, {plan.clients} clients, 5 s …")
        results["recovery"] = signing(
            "recovery", people_for(5, rate, plan.clients), connections=plan.clients, seconds=5
        )

        say(
            f"Veche: SIGKILL of a worker and a PostgreSQL restart while {plan.clients} clients "
            f"sign, {plan.crash_seconds} s …"
        )
        events: list[str] = []

        def crash():
            time.sleep(plan.crash_seconds * 0.3)
            victim = server.workers()[0]
            os.kill(victim, signal.SIGKILL)
            events.append(f"killed worker {victim}")
            time.sleep(plan.crash_seconds * 0.3)
            connections.close_all()
            if database is None:
                events.append("PostgreSQL not restarted (no --restart-command)")
                return
            restarted = time.monotonic()
            database.restart()
            events.append(f"PostgreSQL restarted in {time.monotonic() - restarted:.1f} s")

        results["crash"] = signing(
            "crash",
            people_for(plan.crash_seconds, rate, plan.clients),
            connections=plan.clients,
            seconds=plan.crash_seconds,
            during=crash,
        )
        results["crash_events"] = events
        wait_for_database(env["DATABASE_URL"])
        connections.close_all()
        results["total_stored"] = Signature.objects.filter(appeal_id=appeal_id).count()
    finally:
        server.stop()
    return results


# --- The report -----------------------------------------------------------------------------


def ratio(value: float, floor: float) -> str:
    return f"{value / floor:.2f}" if floor else "–"


def report(floor: dict, veche: dict, plan: Plan, quick: bool) -> list[tuple]:
    """Rows of the table: (what, Veche, floor, ratio)."""
    sign, sign_count, sign_acks = veche["sign"]
    surge, surge_count, _surge_acks = veche["surge"]
    over, _over_count, over_acks = veche["overload"]
    recovery, _c, _a = veche["recovery"]
    _crash, crash_count, crash_acks = veche["crash"]
    pages = veche["pages"]
    f_sign, f_page = floor["sign"], floor["page"]
    page_rate = pages["anonymous"].rate + pages["signed_in"].rate
    rows = [
        (
            f"signing one appeal, {plan.clients} clients: signatures/s",
            f"{sign.rate:.0f}",
            f"{f_sign.rate:.0f}",
            ratio(sign.rate, f_sign.rate),
        ),
        (
            "signing: server CPU per signature (gunicorn + PostgreSQL), ms",
            f"{sign.cpu_per_signature_ms:.1f}",
            f"{f_sign.cpu_per_signature_ms:.1f}",
            ratio(f_sign.cpu_per_signature_ms, sign.cpu_per_signature_ms),
        ),
        (
            "signing: p50 / p99, ms",
            f"{sign.signed_percentile(50):.0f} / {sign.signed_percentile(99):.0f}",
            f"{f_sign.signed_percentile(50):.0f} / {f_sign.signed_percentile(99):.0f}",
            "",
        ),
        (
            f"the appeal page while {plan.clients} clients sign: pages/s "
            f"({plan.anonymous_readers} anonymous + {plan.signed_in_readers} signed-in readers)",
            f"{page_rate:.0f} ({pages['anonymous'].rate:.0f} + {pages['signed_in'].rate:.0f})",
            f"{f_page.rate:.0f}",
            ratio(page_rate, f_page.rate),
        ),
        (
            "the page: p95 anonymous / signed-in, ms",
            f"{pages['anonymous'].page_percentile(95):.0f} / "
            f"{pages['signed_in'].page_percentile(95):.0f}",
            f"{f_page.page_percentile(95):.0f}",
            "",
        ),
        (
            "signing during the page run: signatures/s",
            f"{surge.rate:.0f}",
            "",
            "",
        ),
        (
            f"overload, {plan.clients * 4} clients: signed/s; 503 with Retry-After; other",
            f"{over.rate:.0f}; {over.shed}; "
            f"{over.refused + over.shed_without_retry_after + over.socket_errors}",
            "",
            "",
        ),
        (
            "overload: p99 of the signed, ms; after it, 5 s at "
            f"{plan.clients} clients: signed/s, 503",
            f"{over.signed_percentile(99):.0f}; {recovery.rate:.0f}, {recovery.shed}",
            "",
            "",
        ),
        (
            "SIGKILL of a worker + PostgreSQL restart: acknowledged / stored once / lost",
            f"{crash_acks['acknowledged']} / {crash_acks['acknowledged_stored_once']} / "
            f"{crash_acks['lost']}",
            "",
            "",
        ),
        (
            "count shown vs stored after the last signature (runs 1, 2, 5)",
            "; ".join(
                f"{c['shown']} = {c['stored']} in {c['after_s']:.2f} s"
                if c["shown"] == c["stored"]
                else f"{c['shown']} ≠ {c['stored']}"
                for c in (sign_count, surge_count, crash_count)
            ),
            "",
            "",
        ),
    ]
    del sign_acks, over_acks
    return rows


def print_report(rows: list[tuple], floor: dict, veche: dict) -> None:
    say("")
    width = max(len(r[0]) for r in rows)
    say(f"{'':{width}}  {'Veche':>22}  {'floor':>8}  ratio")
    for what, value, floor_value, share in rows:
        say(f"{what:{width}}  {value:>22}  {floor_value:>8}  {share}")
    say("")
    for name in ("sign", "surge", "overload", "recovery", "crash"):
        run, count, acks = veche[name]
        say(
            f"{name}: statuses {dict(sorted(run.statuses.items()))}, socket errors "
            f"{run.errors}, acknowledged {acks}, count {count}"
        )
    for name, run in veche["pages"].items():
        say(f"page {name}: statuses {dict(sorted(run.statuses.items()))}, errors {run.errors}")
    say(f"crash: {'; '.join(veche['crash_events'])}")
    say(f"floor sign statuses {floor['sign'].statuses}, floor page {floor['page'].statuses}")


def write_readme(rows: list[tuple], machine: str, plan: Plan, quick: bool) -> None:
    text = README.read_text()
    if MARK_BEGIN not in text or MARK_END not in text:
        say("README has no surge markers: table not written.")
        return
    table = [
        MARK_BEGIN,
        f"Measured by `make benchmark-surge{' ARGS=--quick' if quick else ''}` on "
        f"{time.strftime('%Y-%m-%d')}, {machine}; load average {LOAD_AT_START:.1f} when the run "
        f"began (other work on the machine takes CPU from both); signing runs of "
        f"{plan.sign_seconds} s"
        + (" (a quick run: figures for development, not for comparison)." if quick else "."),
        "",
        "| what | Veche | floor | ratio |",
        "| --- | --- | --- | --- |",
        *(f"| {what} | {value} | {floor} | {share} |" for what, value, floor, share in rows),
        MARK_END,
    ]
    before, rest = text.split(MARK_BEGIN, 1)
    after = rest.split(MARK_END, 1)[1]
    README.write_text(before + "\n".join(table) + after)
    say("README.md: Performance table written.")


def machine_description(database_url: str) -> str:
    import psycopg

    with psycopg.connect(database_url) as connection:
        version = connection.execute("SHOW server_version").fetchone()[0].split()[0]
    return (
        f"{os.cpu_count()} CPUs, PostgreSQL {version}, Python {sys.version.split()[0]}, "
        f"gunicorn 4 workers × 4 threads, wrk {WRK_THREADS} threads, all on one machine"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="short runs, for development")
    parser.add_argument("--clients", type=int, default=64)
    parser.add_argument("--seconds", type=int, help="length of the signing run (60; quick: 10)")
    parser.add_argument("--database-url", help="use this PostgreSQL server, not an own cluster")
    parser.add_argument("--restart-command", default="", help="restarts --database-url's server")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/13")
    parser.add_argument("--no-readme", action="store_true", help="do not rewrite the README")
    args = parser.parse_args()
    plan = Plan.of(args.quick, args.clients, args.seconds)
    wrk = Wrk(ensure_wrk(), Path(tempfile.mkdtemp(prefix="veche-surge-")))
    workdir = wrk.workdir
    if args.database_url:
        database = GivenServer(args.database_url, args.restart_command)
    else:
        database = OwnCluster()
    try:
        database.start()
        env = production_env(database.url, args.redis_url, workdir)
        flush_redis(args.redis_url)
        django_setup(env)
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        call_command("collectstatic", "--noinput", verbosity=0)
        floor = measure_floor(wrk, env, workdir, plan)
        restartable = database if (not args.database_url or args.restart_command) else None
        veche = measure_veche(wrk, env, workdir, plan, restartable, floor)
        rows = report(floor, veche, plan, args.quick)
        print_report(rows, floor, veche)
        if not args.no_readme:
            write_readme(rows, machine_description(database.url), plan, args.quick)
    finally:
        if "django" in sys.modules:
            from django.db import connections

            connections.close_all()
        database.drop()
        flush_redis(args.redis_url)
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
