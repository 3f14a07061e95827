"""What one request of a surge costs Veche's Python, in-process: `make profile-surge`.

`make benchmark-surge` measures rates under load, where other work on the machine and the
sharing of two cores between sixteen threads blur what a change did. This calls Veche's WSGI
application in this process, one request after another, in production settings on PostgreSQL
and Redis, and prints the wall and CPU time a request took, averaged over the run, and, asked,
cProfile's figures: a change's effect shows here in one minute, to a tenth of a millisecond.

    make profile-surge                         # signatures, on the PostgreSQL at 127.0.0.1
    … --what page          # a signed-in reader's problem page (64 readers in turn)
    … --what signed-page   # the same, readers who signed it (as the benchmark's readers have)
    … --what visitor       # a visitor's page, no cookies (the kept copy)
    … --what sign --requests 20000 --block 2000   # how the cost moves over a long run
    … --profile --sort tottime --top 40

What each request asks is what `make benchmark-surge` asks (its Lua scripts): the htmx POST of
a verified resident's first signature, with the session, CSRF and account cookies as the site
leaves them, from an address of its own behind one trusted proxy. The database
`veche_surge_profile` is made afresh on the server `--server` names (dropped first if there),
filled with the benchmark's appeal and crowd, and dropped at the end; the Redis database of
`--cache-url` (default: database 5) is flushed first.
"""

import argparse
import cProfile
import io
import pstats
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from surge.data import build_appeal, crowd, django_setup
from surge.run import flush_redis, production_env
from surge.services import maintenance_url

DATABASE = "veche_surge_profile"
READERS = 64


def environ(path: str, person, index: int, *, post: bool) -> dict:
    body = b"agree=on" if post else b""
    env = {
        "REQUEST_METHOD": "POST" if post else "GET",
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "443",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": True,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
        "wsgi.version": (1, 0),
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_HOST": "127.0.0.1",
        "HTTP_X_FORWARDED_PROTO": "https",
        "HTTP_X_FORWARDED_FOR": f"100.64.{index // 50 % 256}.{index % 50 + 1}",
        "HTTP_X_REQUEST_ID": f"s{index}",
        "HTTP_ACCEPT_LANGUAGE": "ru",
    }
    if person is not None:
        user, session, csrf = person
        env["HTTP_COOKIE"] = f"sessionid={session}; csrftoken={csrf}; veche_account={user.pk}"
    if post:
        env.update(
            CONTENT_TYPE="application/x-www-form-urlencoded",
            CONTENT_LENGTH=str(len(body)),
            HTTP_X_CSRFTOKEN=person[2],
            HTTP_HX_REQUEST="true",
            HTTP_REFERER="https://127.0.0.1/",
        )
    return env


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--server", default="postgres://postgres@127.0.0.1:5432", help="PostgreSQL")
    parser.add_argument("--cache-url", default="redis://127.0.0.1:6379/5")
    parser.add_argument(
        "--what", choices=("sign", "page", "signed-page", "visitor"), default="sign"
    )
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--warm", type=int, default=300, help="requests before the timing")
    parser.add_argument("--block", type=int, default=0, help="print every this many requests")
    parser.add_argument("--profile", action="store_true", help="cProfile the timed requests")
    parser.add_argument("--sort", default="cumulative")
    parser.add_argument("--top", type=int, default=50)
    args = parser.parse_args()

    url = args.server.rstrip("/") + "/" + DATABASE
    _database(url, "DROP DATABASE IF EXISTS {} WITH (FORCE)", "CREATE DATABASE {}")
    flush_redis(args.cache_url)
    with tempfile.TemporaryDirectory(prefix="veche-profile-") as folder:
        try:
            run(args, url, Path(folder))
        finally:
            from django.db import connections

            connections.close_all()
            _database(url, "DROP DATABASE IF EXISTS {} WITH (FORCE)")


def run(args, url: str, folder: Path) -> None:
    django_setup(production_env(url, args.cache_url, folder))
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("collectstatic", verbosity=0, interactive=False)
    from veche.wsgi import application

    problem, district = build_appeal()
    signing = args.what == "sign"
    people = crowd(district, args.warm + args.requests if signing else READERS)
    sign_path, page_path = f"/problems/{problem.pk}/sign/", problem.get_absolute_url()
    statuses = []
    if args.what == "signed-page":
        for index, person in enumerate(people):
            answer = application(environ(sign_path, person, index, post=True), lambda *a: None)
            answer.close()

    def start_response(status, headers, exc_info=None):
        statuses.append(status)

    def request(index: int) -> bytes:
        if signing:
            env = environ(sign_path, people[index], index, post=True)
        else:
            person = None if args.what == "visitor" else people[index % READERS]
            env = environ(page_path, person, index, post=False)
        answer = application(env, start_response)
        try:
            return b"".join(answer)
        finally:
            answer.close()

    for index in range(args.warm):
        request(index)
    profile = cProfile.Profile() if args.profile else None
    block = args.block or args.requests
    started, cpu = time.perf_counter(), time.process_time()
    mark = (started, cpu)
    if profile:
        profile.enable()
    for number, index in enumerate(range(args.warm, args.warm + args.requests), 1):
        last = request(index)
        if number % block == 0 and block < args.requests:
            now = (time.perf_counter(), time.process_time())
            print(
                f"  to {number}: wall {1000 * (now[0] - mark[0]) / block:.3f} ms, "
                f"CPU {1000 * (now[1] - mark[1]) / block:.3f} ms",
                flush=True,
            )
            mark = now
    if profile:
        profile.disable()
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu
    others = [s for s in statuses[args.warm :] if not s.startswith("200")]
    print(
        f"{args.requests} × {args.what}: wall {1000 * wall / args.requests:.3f} ms, "
        f"CPU {1000 * cpu / args.requests:.3f} ms a request; answers other than 200: {len(others)}"
    )
    if signing and b'data-state="signed"' not in last:
        sys.exit("the last signature was not answered 'signed': " + last[:300].decode())
    if profile:
        pstats.Stats(profile).sort_stats(args.sort).print_stats(args.top)


def _database(url: str, *statements: str) -> None:
    import psycopg

    with psycopg.connect(maintenance_url(url), autocommit=True) as connection:
        for statement in statements:
            connection.execute(statement.format(f'"{DATABASE}"'))


if __name__ == "__main__":
    main()
