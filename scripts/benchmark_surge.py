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
    .venv/bin/python scripts/benchmark_surge.py --quick --no-readme --env VECHE_WRITE_THREADS=1
    .venv/bin/python scripts/benchmark_surge.py --database-url postgres://postgres@127.0.0.1/x \\
        --restart-command 'systemctl restart postgresql'

The README's Performance table is rewritten between its surge markers (unless --no-readme).
"""

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

from surge.data import django_setup
from surge.load import Wrk
from surge.report import machine_description, print_report, report, write_readme
from surge.run import Plan, flush_redis, measure_floor, measure_veche, production_env
from surge.services import GivenServer, OwnCluster, ensure_wrk


def settings_given(pairs: list[str]) -> dict[str, str]:
    """The --env settings, as an environment."""
    given = {}
    for pair in pairs:
        name, equals, value = pair.partition("=")
        if not equals or not name.isidentifier():
            sys.exit(f"--env takes NAME=VALUE, not {pair!r}")
        given[name] = value
    return given


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="short runs, for development")
    parser.add_argument("--clients", type=int, default=64)
    parser.add_argument("--seconds", type=int, help="length of the signing run (60; quick: 10)")
    parser.add_argument("--database-url", help="use this PostgreSQL server, not an own cluster")
    parser.add_argument("--restart-command", default="", help="restarts --database-url's server")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/13")
    parser.add_argument("--no-readme", action="store_true", help="do not rewrite the README")
    parser.add_argument(
        "--env",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a setting for both servers, e.g. VECHE_WRITE_THREADS=1 (the run's environment "
        "otherwise leaves out every VECHE_, DJANGO_, DATABASE_, CACHE_ and EMAIL_ variable)",
    )
    args = parser.parse_args()
    given = settings_given(args.env)  # refused before anything is started
    plan = Plan.of(args.quick, args.clients, args.seconds)
    wrk = Wrk(ensure_wrk(), Path(tempfile.mkdtemp(prefix="veche-surge-")))
    workdir = wrk.workdir
    if args.database_url:
        database = GivenServer(args.database_url, args.restart_command)
    else:
        database = OwnCluster()
    try:
        database.start()
        env = {**production_env(database.url, args.redis_url, workdir), **given}
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
            machine = machine_description(database.url)
            if args.env:  # figures under other settings say so
                machine += ", with " + ", ".join(f"`{pair}`" for pair in args.env)
            write_readme(rows, machine, plan, args.quick)
    finally:
        if "django" in sys.modules:
            from django.db import connections

            connections.close_all()
        database.drop()
        flush_redis(args.redis_url)
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
