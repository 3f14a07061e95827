"""The run: the plan, the production environment, the floor and Veche measured under it."""

import os
import secrets
import signal
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from surge.base import ROOT, say
from surge.data import build_appeal, check_acknowledged, count_agreement, crowd, write_people
from surge.load import Wrk
from surge.services import Gunicorn, cpu_seconds, fetch, wait_for_database


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
