"""How fast the problem pages are with a hundred thousand problems.

Builds a database of its own — a SQLite file in a temporary folder, or, when DATABASE_URL names
a PostgreSQL server, the database `veche_benchmark` on that server (dropped and made afresh; no
other database is touched) — loads the demo city, bulk-loads the problems with their appeals and
revisions, then requests the real pages through Django's test client and prints, for each, the
median and 95th percentile of the response time and the number of SQL queries.

    make benchmark
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/veche make benchmark
    .venv/bin/python scripts/benchmark_problems.py --problems 20000 --runs 10

Figures only: nothing here decides what is fast enough.
"""

import argparse
import datetime
import math
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from urllib.parse import urlparse, urlunparse

BENCHMARK_DATABASE = "veche_benchmark"


# --- Where the data goes --------------------------------------------------------------------


def prepare_database(workdir: str, name: str = BENCHMARK_DATABASE) -> tuple[str, str]:
    """Point Django at the benchmark's own database (`name` on PostgreSQL). Returns a
    description for the report and, for PostgreSQL, the maintenance address to drop the
    database from afterwards."""
    given = os.environ.get("DATABASE_URL", "")
    scheme = urlparse(given).scheme
    if scheme in ("postgres", "postgresql", "pgsql"):
        import psycopg

        parts = urlparse(given)
        maintenance = urlunparse(parts._replace(path="/postgres"))
        with psycopg.connect(maintenance, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            connection.execute(f'CREATE DATABASE "{name}"')
        os.environ["DATABASE_URL"] = urlunparse(parts._replace(path=f"/{name}"))
        with psycopg.connect(maintenance) as connection:
            version = connection.execute("SHOW server_version").fetchone()[0]
        return (
            f"PostgreSQL {version}, database {name} on {parts.hostname}",
            maintenance,
        )
    if given:
        print(f"DATABASE_URL is not PostgreSQL ({scheme}): using a SQLite file of its own instead.")
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir}/benchmark.sqlite3"
    import sqlite3

    return f"SQLite {sqlite3.sqlite_version}, {workdir}/benchmark.sqlite3", ""


def setup_django(workdir: str) -> None:
    os.environ["VECHE_VAR_DIR"] = workdir
    os.environ["DEBUG"] = "false"  # templates cached and no debug bookkeeping, as in production
    os.environ["EMAIL_URL"] = "locmem://"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "veche.settings")
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    import django

    django.setup()


# --- Realistic Russian texts ----------------------------------------------------------------

ISSUES = {
    "roads": [
        "Яма на проезжей части",
        "Разбитый тротуар",
        "Провал асфальта",
        "Нет пешеходного перехода",
        "Лужа не уходит после дождя",
    ],
    "yards": [
        "Сломанные качели на детской площадке",
        "Ямы во дворе",
        "Нет скамеек во дворе",
        "Заброшенная песочница",
        "Машины паркуются на газоне",
    ],
    "lighting": [
        "Не горит уличный фонарь",
        "Тёмный участок без освещения",
        "Фонари горят днём",
        "Мигает фонарь у подъезда",
    ],
    "waste": [
        "Переполненные мусорные контейнеры",
        "Стихийная свалка",
        "Мусор не вывозят неделю",
        "Сломан контейнер для пластика",
    ],
    "water": [
        "Нет горячей воды",
        "Прорыв трубы",
        "Открытый канализационный люк",
        "Ржавая вода из крана",
        "Затапливает подвал",
    ],
    "transport": [
        "Автобус ходит с большими интервалами",
        "Нет остановочного павильона",
        "Не работает табло на остановке",
        "Отменили маршрут",
    ],
    "safety": [
        "Нужен светофор",
        "Стёрлась разметка пешеходного перехода",
        "Машины превышают скорость у школы",
        "Нет ограждения вдоль тротуара",
    ],
    "other": [
        "Бродячие собаки во дворе",
        "Шум от стройки ночью",
        "Сломанная скамейка в сквере",
        "Граффити на фасаде",
    ],
}
STREETS = [
    "Баумана",
    "Пушкина",
    "Кремлёвская",
    "Декабристов",
    "Академика Сахарова",
    "Чистопольская",
    "Гагарина",
    "Восстания",
    "Зорге",
    "Ямашева",
    "Карла Маркса",
    "Татарстан",
    "Островского",
    "Маяковского",
    "Фучика",
    "Адоратского",
    "Серова",
    "Победы",
    "Амирхана",
    "Хусаина Мавлютова",
]
PLACES = [
    "у дома {n} по улице {street}",
    "во дворе дома {n} на улице {street}",
    "на перекрёстке улиц {street} и {other}",
    "возле школы № {school} на улице {street}",
    "у остановки «{street}»",
]
OPENINGS = [
    "Проблема появилась несколько месяцев назад и с тех пор только усугубилась.",
    "Жители неоднократно обращались в управляющую компанию, но ничего не изменилось.",
    "Особенно тяжело пожилым людям и родителям с колясками.",
    "Вечером здесь небезопасно, особенно для детей, которые возвращаются из школы.",
    "В прошлом году обещали исправить, но работы так и не начались.",
]
DETAILS = [
    "Фотографии приложены, место легко найти по адресу.",
    "Рядом находится детский сад, и через это место ходит много людей.",
    "После дождя ситуация становится заметно хуже.",
    "Соседи готовы помочь с осмотром и показать место специалистам.",
    "Просим включить работы в план текущего года.",
    "Проблема касается жителей нескольких домов.",
]
REQUESTS = [
    "Просим провести обследование и устранить проблему в установленные сроки.",
    "Просим сообщить сроки выполнения работ и ответственную организацию.",
    "Просим принять меры и проинформировать жителей о результатах.",
]


def title_for(rng: random.Random, category: str) -> str:
    place = rng.choice(PLACES).format(
        n=rng.randint(1, 180),
        street=rng.choice(STREETS),
        other=rng.choice(STREETS),
        school=rng.randint(1, 180),
    )
    return f"{rng.choice(ISSUES[category])} {place}"[:200]


def description_for(rng: random.Random) -> str:
    return " ".join([rng.choice(OPENINGS), *rng.sample(DETAILS, rng.randint(1, 3))])


def appeal_text_for(rng: random.Random, title: str, description: str) -> str:
    return f"{title}.\n\n{description}\n\n{rng.choice(REQUESTS)}"


# --- Loading --------------------------------------------------------------------------------

# (appeal status, problem status, share): the states a city's problems are in after a few years.
STATES = [
    ("collecting", "published", 0.40),
    ("sent", "published", 0.05),
    ("registered", "published", 0.12),
    ("answered", "published", 0.10),
    ("closed", "solved", 0.18),
    ("closed", "partly_solved", 0.05),
    ("closed", "unsolved", 0.08),
    ("draft", "draft", 0.02),
]


def load(count: int, batch: int, seed: int) -> dict:
    from django.contrib.auth.hashers import make_password
    from django.db import connection, transaction
    from django.db.models import Max
    from django.utils import timezone

    from veche.accounts.models import User
    from veche.appeals.models import Appeal, Category, Problem, Revision
    from veche.appeals.routing import route
    from veche.demo import appeals as demo_appeals
    from veche.demo import loader as demo
    from veche.territories.models import Territory

    rng = random.Random(seed)  # noqa: S311 — made-up data, repeatable by its seed
    # The demo city's places, organizations, categories and who answers for what; not its
    # people and stories, which the benchmark does not need.
    territories = demo._load_territories()
    organizations = demo._load_organizations(territories)
    demo_appeals._responsibilities(demo_appeals._categories(), territories, organizations)
    categories = list(Category.objects.all())
    places = list(
        Territory.objects.filter(kind__in=[Territory.Kind.DISTRICT, Territory.Kind.SETTLEMENT])
    )
    addressee = {
        (category.pk, place.pk): route(category, place)
        for category in categories
        for place in places
    }
    unusable = make_password(None)
    authors = User.objects.bulk_create(
        User(email=f"author{n}@benchmark.veche.example", password=unusable) for n in range(3000)
    )
    author_ids = [author.pk for author in authors]

    now = timezone.now()
    span = datetime.timedelta(days=3 * 365)
    moments = sorted(now - span * rng.random() for _ in range(count))  # oldest first
    weights = [share for *_state, share in STATES]
    problem_id = (Problem.objects.aggregate(m=Max("id"))["m"] or 0) + 1
    appeal_id = (Appeal.objects.aggregate(m=Max("id"))["m"] or 0) + 1
    started = time.perf_counter()
    for start in range(0, count, batch):
        problems, appeals, revisions = [], [], []
        for offset, published in enumerate(moments[start : start + batch]):
            category = rng.choice(categories)
            place = rng.choice(places)
            organization = addressee[(category.pk, place.pk)]
            appeal_status, problem_status, _share = rng.choices(STATES, weights)[0]
            title = title_for(rng, category.slug)
            description = description_for(rng)
            author = rng.choice(author_ids)
            number = start + offset
            problems.append(
                Problem(
                    id=problem_id + number,
                    author_id=author,
                    title=title,
                    description=description,
                    category=category,
                    territory=place,
                    address=title.split(" у ")[-1][:300],
                    status=problem_status,
                    current_appeal_id=appeal_id + number,
                    created_at=published,
                    published_at=None if problem_status == "draft" else published,
                    closed_at=published + datetime.timedelta(days=70)
                    if appeal_status == "closed"
                    else None,
                )
            )
            appeals.append(
                appeal_for(
                    rng,
                    appeal_id + number,
                    problem_id + number,
                    organization,
                    appeal_status,
                    problem_status,
                    published,
                    now,
                )
            )
            revisions.append(
                Revision(
                    appeal_id=appeal_id + number,
                    number=1,
                    text=appeal_text_for(rng, title, description),
                    author_id=author,
                    created_at=published,
                )
            )
        # One transaction per batch: problems point at appeals created right after them, and
        # the foreign keys are checked at commit (deferred on PostgreSQL and SQLite alike).
        with transaction.atomic():
            Problem.objects.bulk_create(problems)
            Appeal.objects.bulk_create(appeals)
            Revision.objects.bulk_create(revisions)
        done = min(start + batch, count)
        rate = done / (time.perf_counter() - started)
        print(f"\r  {done:,} problems loaded ({rate:,.0f}/s)", end="", flush=True)
    print()
    reset_sequences()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return busy_problem(rng, author_ids)


def appeal_for(rng, pk, problem_pk, organization, status, outcome, published, now):
    from veche.appeals.models import Appeal

    day = datetime.timedelta(days=1)
    appeal = Appeal(
        id=pk,
        problem_id=problem_pk,
        organization=organization,
        status=status,
        signature_threshold=50,
        signature_count=rng.randint(0, 49) if status in ("draft", "collecting") else 50,
        created_at=published,
    )
    if status in ("draft", "collecting"):
        return appeal
    appeal.signature_count = rng.randint(50, 400)
    appeal.sent_at = min(published + day * rng.randint(3, 40), now)
    if status == "sent":
        return appeal
    appeal.registration_number = f"ВХ-{pk}"
    appeal.registered_at = min(appeal.sent_at + day * rng.randint(0, 3), now)
    appeal.due_date = (appeal.registered_at + day * 30).date()
    if status == "registered":
        return appeal
    appeal.answered_at = min(appeal.registered_at + day * rng.randint(5, 40), now)
    appeal.answered_on_time = appeal.answered_at.date() <= appeal.due_date
    appeal.rating_until = appeal.answered_at + day * 14
    if status == "closed":
        appeal.outcome = outcome
        appeal.closed_at = appeal.answered_at + day * rng.randint(1, 20)
    return appeal


def reset_sequences() -> None:
    """Rows were loaded with explicit ids: PostgreSQL's sequences must move past them."""
    from django.core.management.color import no_style
    from django.db import connection

    from veche.accounts.models import User
    from veche.appeals.models import Appeal, Problem, Revision

    statements = connection.ops.sequence_reset_sql(no_style(), [User, Problem, Appeal, Revision])
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def busy_problem(rng: random.Random, author_ids: list[int]):
    """A problem whose page has the most to show: 200 signatures, 40 comments, three answers."""
    from django.db import transaction
    from django.utils import timezone

    from veche.appeals.models import Answer, Appeal, Comment, Problem, Signature

    problem = (
        Problem.objects.filter(current_appeal__status=Appeal.Status.ANSWERED)
        .select_related("current_appeal")
        .order_by("-published_at")
        .first()
    )
    appeal = problem.current_appeal
    revision = appeal.revisions.get()
    official = author_ids[-1]  # the official's name is not shown on the public page
    now = timezone.now()
    with transaction.atomic():
        Signature.objects.bulk_create(
            Signature(
                appeal=appeal,
                user_id=user_id,
                revision=revision,
                full_name=f"Житель {user_id}",
                postal_address=f"420111, Казань, ул. {rng.choice(STREETS)}, д. {user_id % 90}",
                created_at=now,
            )
            for user_id in author_ids[:200]
        )
        Comment.objects.bulk_create(
            Comment(problem=problem, author_id=user_id, text=description_for(rng))
            for user_id in author_ids[200:240]
        )
        for kind in (Answer.Kind.INTERIM, Answer.Kind.EXTENSION, Answer.Kind.FINAL):
            Answer.objects.create(
                appeal=appeal,
                organization=appeal.organization,
                official_id=official,
                kind=kind,
                text=description_for(rng),
            )
        Appeal.objects.filter(pk=appeal.pk).update(signature_count=200)
    return problem


# --- Measuring ------------------------------------------------------------------------------


def pages(problem) -> list[tuple[str, str]]:
    from django.db.models import Count

    from veche.appeals.models import Problem
    from veche.organizations.models import Organization
    from veche.territories.models import Territory

    district = Territory.objects.filter(kind=Territory.Kind.DISTRICT).order_by("code").first()
    city = Territory.objects.filter(kind=Territory.Kind.CITY).order_by("code").first()
    organizations = list(
        Organization.objects.annotate(n=Count("appeals")).filter(n__gt=0).order_by("n", "slug")
    )
    busiest, rarest = organizations[-1], organizations[0]
    # Halfway down the list: what a crawler or a patient reader reaches.
    deep = max(2, Problem.objects.exclude(status="draft").count() // 20 // 2)
    return [
        ("List, first page", "/problems/"),
        (f"List, territory {district.code}", f"/problems/?territory={district.code}"),
        (f"List, territory {city.code} and inside", f"/problems/?territory={city.code}"),
        (f"List, organization {busiest.slug}", f"/problems/?organization={busiest.slug}"),
        (f"List, organization {rarest.slug}", f"/problems/?organization={rarest.slug}"),
        ("List, status answered", "/problems/?status=answered"),
        ("List, status overdue", "/problems/?status=overdue"),
        (f"List, deep page {deep}", f"/problems/?page={deep}"),
        ("Search «яма во дворе»", "/problems/?q=яма+во+дворе"),
        ("Search «не горит фонарь»", "/problems/?q=не+горит+фонарь"),
        ("Search «мусорные контейнеры»", "/problems/?q=мусорные+контейнеры"),
        ("Problem page (200 signatures), the kept copy", problem.get_absolute_url()),
        ("Rating of organizations, the city", f"/organizations/rating/?territory={city.code}"),
        (
            f"Rating of organizations, district {district.code}",
            f"/organizations/rating/?territory={district.code}",
        ),
    ]


def busy_page_rendered(problem, runs: int) -> list[tuple[str, str, dict]]:
    """The busy problem's page rendered whole rather than given from the kept copy, as the
    first visitor after a change gets it (a comment, an answer; every later one gets the copy)."""
    from django.test import Client

    from veche.appeals.views.problem_page import forget_problem_page

    url = problem.get_absolute_url()
    figures = measure(
        Client(HTTP_ACCEPT_LANGUAGE="ru"),
        url,
        runs,
        before_each=lambda: forget_problem_page(problem.pk),
    )
    return [("Problem page (200 signatures), first after a change", url, figures)]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def measure(client, url: str, runs: int, before_each=None) -> dict:
    """`before_each` runs, untimed, before the request whose queries are counted and before
    each timed one."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    before_each = before_each or (lambda: None)
    client.get(url)  # warm the caches a running server would have warm
    before_each()
    with CaptureQueriesContext(connection) as capture:
        response = client.get(url)
    queries = capture.captured_queries  # now: the next request clears the connection's log
    if response.status_code != 200:
        raise SystemExit(f"{url} answered {response.status_code}")
    content = response.content.decode()
    times = []
    for _ in range(runs):
        before_each()
        started = time.perf_counter()
        client.get(url)
        times.append((time.perf_counter() - started) * 1000)
    return {
        "median": statistics.median(times),
        "p95": percentile(times, 0.95),
        "queries": len(queries),
        "items": content.count('class="problem-card"'),
        "slowest_sql": max(
            ((float(q["time"]) * 1000, q["sql"]) for q in queries),
            default=(0.0, ""),
        ),
    }


def report(rows: list[tuple[str, str, dict]], runs: int, where: str, count: int) -> None:
    print()
    print(f"{count:,} problems · {where} · {runs} runs per page (after one warm-up)")
    width = max(len(name) for name, *_ in rows)
    print(f"{'page':<{width}}  {'median ms':>9}  {'p95 ms':>7}  {'queries':>7}  {'shown':>5}")
    print("-" * (width + 37))
    for name, _url, figures in rows:
        print(
            f"{name:<{width}}  {figures['median']:>9.1f}  {figures['p95']:>7.1f}"
            f"  {figures['queries']:>7}  {figures['items']:>5}"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--problems", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=20, help="timed requests per page")
    parser.add_argument("--batch", type=int, default=5_000, help="rows per bulk insert")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument(
        "--keep", action="store_true", help="keep the database (SQLite folder) afterwards"
    )
    parser.add_argument(
        "--slow-sql", action="store_true", help="also print each page's slowest SQL statement"
    )
    args = parser.parse_args()

    workdir = tempfile.mkdtemp(prefix="veche-benchmark-")
    maintenance = ""
    try:
        where, maintenance = prepare_database(workdir)
        setup_django(workdir)
        from django.core.management import call_command
        from django.test import Client

        print(f"Database: {where}")
        started = time.perf_counter()
        call_command("migrate", verbosity=0)
        problem = load(args.problems, args.batch, args.seed)
        print(f"Loaded in {time.perf_counter() - started:.0f} s")
        client = Client(HTTP_ACCEPT_LANGUAGE="ru")
        rows = [(name, url, measure(client, url, args.runs)) for name, url in pages(problem)]
        rows += busy_page_rendered(problem, args.runs)
        report(rows, args.runs, where, args.problems)
        if args.slow_sql:
            for name, _url, figures in rows:
                ms, sql = figures["slowest_sql"]
                print(f"\n{name}: slowest statement {ms:.1f} ms\n  {sql[:600]}")
    finally:
        if args.keep:
            print(f"Kept {BENCHMARK_DATABASE if maintenance else workdir}")
        else:
            drop_database(maintenance)
            shutil.rmtree(workdir, ignore_errors=True)
    return 0


def drop_database(maintenance: str, name: str = BENCHMARK_DATABASE) -> None:
    if not maintenance:
        return
    import psycopg
    from django.db import connections

    connections.close_all()
    with psycopg.connect(maintenance, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    sys.exit(main())
