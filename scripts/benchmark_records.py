"""How long the records of a big hearing take to build, how much memory they need, and how fast
the discussion page is with that many submissions.

Builds a database of its own — a SQLite file in a temporary folder, or, when DATABASE_URL names
a PostgreSQL server, the database `veche_benchmark_records` on that server (dropped and made
afresh; no other database is touched) — with a public hearing of 1 000 and one of 10 000
submissions (Russian texts, recommendations with reasons, experts' answers, paper submissions
and legal entities among them). Then, for each, it builds every record as the background worker
does — each build in a child process of its own, so that its peak memory (sampled: the summed
proportional set sizes of that child and the processes it starts to lay out parts side by side)
is the build's alone — and requests the discussion page and its list of submissions
through Django's test client, with their SQL queries.

    make benchmark-records
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/veche make benchmark-records
    .venv/bin/python scripts/benchmark_records.py --sizes 1000 --runs 5

Figures only: nothing here decides what is fast enough.
"""

import argparse
import datetime
import json
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from benchmark_problems import drop_database as drop_benchmark_database
from benchmark_problems import percentile, prepare_database, setup_django

BENCHMARK_DATABASE = "veche_benchmark_records"

# --- Realistic Russian texts ----------------------------------------------------------------

SUBJECTS = [
    "сохранить сквер у дома {n} по улице {street}",
    "уменьшить этажность застройки в квартале {n}",
    "предусмотреть школу на {n} мест в микрорайоне",
    "не расширять проезжую часть улицы {street} за счёт газонов",
    "сохранить деревья вдоль улицы {street}",
    "предусмотреть велосипедную дорожку по улице {street}",
    "разместить детский сад в квартале {n}",
    "перенести остановку общественного транспорта к дому {n}",
    "оставить пешеходную зону на улице {street}",
    "увеличить число парковочных мест у дома {n}",
]
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
]
REASONS = [
    "Проект застройки квартала не учитывает потребности жителей, которые живут здесь "
    "десятилетиями.",
    "В генеральном плане эта территория отнесена к зоне рекреации, и её застройка "
    "противоречит документам территориального планирования.",
    "Нагрузка на существующую инфраструктуру уже превышает нормативы: школы и поликлиники "
    "переполнены, во дворах негде поставить машину.",
    "Жители нескольких домов подписались под этим предложением на собрании 14 марта.",
    "Вдоль улицы растут липы, которым больше пятидесяти лет; их вырубка ухудшит экологическую "
    "обстановку во всём районе.",
    "Прошу учесть, что рядом находятся два детских сада и школа, через этот участок ходят дети.",
]
ANSWERS = [
    "Проектом предусмотрено сохранение существующих зелёных насаждений; подробности — в разделе "
    "3 пояснительной записки.",
    "Размещение объекта образования предусмотрено на втором этапе освоения территории.",
    "Параметры застройки соответствуют правилам землепользования и застройки, утверждённым в "
    "2021 году.",
]
RECOMMENDATIONS = [
    ("accepted", "Предложение учтено: в проект внесены соответствующие изменения."),
    ("partly", "Предложение учтено частично: изменения внесены в пределах границ квартала."),
    (
        "rejected",
        "Предложение не учтено: оно противоречит утверждённому генеральному плану и "
        "нормативам градостроительного проектирования.",
    ),
]
LAST = ["Иванов", "Петров", "Сидоров", "Галиев", "Хасанов", "Морозов", "Смирнов", "Зарипов"]
FIRST = ["Алексей", "Ильдар", "Сергей", "Айдар", "Олег", "Павел", "Рустам", "Глеб"]
PATRONYMIC = ["Ринатович", "Сергеевич", "Олегович", "Павлович", "Ильич", "Маратович"]


def text_for(rng: random.Random) -> str:
    subject = rng.choice(SUBJECTS).format(n=rng.randint(1, 120), street=rng.choice(STREETS))
    body = " ".join(rng.sample(REASONS, rng.randint(1, 3)))
    return f"Предлагаю {subject}. {body}"


# --- Loading --------------------------------------------------------------------------------


def organizer_and_place():
    """The demo city's places and organizations, and an organizer of discussions."""
    from veche.accounts.models import User
    from veche.demo import loader as demo
    from veche.organizations.models import Membership

    territories = demo._load_territories()
    organizations = demo._load_organizations(territories)
    organization = organizations["kazan-architecture"]
    organizer, _made = User.objects.get_or_create(
        email="organizer@benchmark.veche.example",
        defaults={
            "last_name": "Сафина",
            "first_name": "Алсу",
            "patronymic": "Рашидовна",
            "name_publication": "full",
        },
    )
    Membership.objects.get_or_create(
        user=organizer,
        organization=organization,
        role=Membership.Role.ORGANIZER,
        defaults={"position": "Начальник отдела общественных обсуждений"},
    )
    return territories["kazan-vakhitovsky"], organization, organizer


def load(count: int, seed: int, batch: int = 2000):
    """A public hearing in review with `count` submissions, every one with a recommendation."""
    from django.contrib.auth.hashers import make_password
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import transaction
    from django.utils import timezone

    from veche.accounts.models import User
    from veche.discussions import services
    from veche.discussions.models import Discussion, ExpertAnswer, Submission
    from veche.documents.rendering import html_to_pdf

    rng = random.Random(seed + count)  # noqa: S311 — made-up data, repeatable by its seed
    territory, organization, organizer = organizer_and_place()
    today = timezone.localdate()
    day = datetime.timedelta(days=1)
    dates = {
        "notice_date": today - 40 * day,
        "exposition_start": today - 33 * day,
        "exposition_end": today - 5 * day,
        "intake_start": today - 33 * day,
        "intake_end": today - 5 * day,
        "protocol_due": today + 5 * day,
        "conclusion_due": today + 10 * day,
    }
    future = {key: value + 60 * day for key, value in dates.items()}
    discussion = services.create_discussion(
        user=organizer,
        organizer=organization,
        fields={
            "kind": "hearing",
            "subject": "general_plan",
            "title": f"Проект внесения изменений в генеральный план ({count:,} предложений)",
            "description": "Изменения генерального плана городского округа «город Казань».",
            "territory": territory,
            "exposition_place": "Казань, ул. Кремлёвская, 1",
            "meeting_at": timezone.make_aware(
                datetime.datetime.combine(future["intake_end"], datetime.time(18))
            ),
            "meeting_place": "Казань, ул. Зорге, 66, актовый зал",
            **future,
        },
        eligibility={"min_age": 18, "territories": [territory]},
        experts=[organizer],
        accept_warnings=True,
    )
    material = services.add_material(
        user=organizer,
        discussion=discussion,
        title="Пояснительная записка",
        upload=SimpleUploadedFile(
            "note.pdf",
            html_to_pdf("<p>Пояснительная записка</p>", base_url="/"),
            content_type="application/pdf",
        ),
    ).material
    services.publish_discussion(user=organizer, discussion=discussion, accept_warnings=True)
    dates["meeting_at"] = timezone.make_aware(
        datetime.datetime.combine(dates["intake_end"], datetime.time(18))
    )
    Discussion.objects.filter(pk=discussion.pk).update(**dates)
    discussion.refresh_from_db()

    # About three submissions in four from a participant of their own; the rest from people who
    # sent several.
    unusable = make_password(None)
    people = User.objects.bulk_create(
        User(
            email=f"p{count}-{n}@benchmark.veche.example",
            password=unusable,
            last_name=rng.choice(LAST),
            first_name=rng.choice(FIRST),
            patronymic=rng.choice(PATRONYMIC),
            name_publication=rng.choice(["full", "initials", "none"]),
        )
        for n in range(max(1, count * 3 // 4))
    )
    participant_of: dict[int, int] = {}
    started = time.perf_counter()
    moment = discussion.starts(discussion.intake_start)
    step = (discussion.ends(discussion.intake_end) - moment) / (count + 1)
    for first in range(1, count + 1, batch):
        submissions = []
        for number in range(first, min(first + batch, count + 1)):
            person = rng.choice(people)
            paper = rng.random() < 0.08
            legal = not paper and rng.random() < 0.02
            birthdate = datetime.date(rng.randint(1940, 2006), rng.randint(1, 12), 15)
            data = {
                "full_name": f"{person.last_name} {person.first_name} {person.patronymic}",
                "birthdate": birthdate.isoformat(),
                "address": f"420111, г. Казань, ул. {rng.choice(STREETS)}, д. {number % 90 + 1}",
                "territory": territory.title,
                "verification": "Госуслуги",
                "verified_at": "2026-01-10T10:00:00+03:00",
            }
            if legal:
                data |= {
                    "legal_name": f"ООО «Застройщик {number}»",
                    "ogrn": f"10216028{number:05d}",
                    "legal_address": "420111, г. Казань, ул. Баумана, 44",
                }
            if paper:
                data["received_on"] = (moment + step * number).date().isoformat()
            key = -number if paper else person.pk
            participant_of.setdefault(key, len(participant_of) + 1)
            kind = rng.choices(["proposal", "remark", "question"], [6, 3, 1])[0]
            recommendation, reason = rng.choice(RECOMMENDATIONS)
            submissions.append(
                Submission(
                    discussion=discussion,
                    number=number,
                    registration_number=f"{discussion.pk}-{number:05d}",
                    kind=kind,
                    text=text_for(rng),
                    material=material if rng.random() < 0.3 else None,
                    page=rng.randint(1, 40) if rng.random() < 0.3 else None,
                    author=None if paper else person,
                    as_legal_entity=legal,
                    participant_number=participant_of[key],
                    participant=data,
                    basis=rng.choices(["resident", "owner", "other"], [8, 1, 1])[0],
                    channel="writing" if paper else "site",
                    created_at=moment + step * number,
                    recommendation=recommendation,
                    recommendation_reason=reason,
                    reviewed_by=organizer,
                    reviewed_at=timezone.now(),
                )
            )
        with transaction.atomic():
            made = Submission.objects.bulk_create(submissions)
            ExpertAnswer.objects.bulk_create(
                ExpertAnswer(
                    submission=submission,
                    expert=organizer,
                    text=rng.choice(ANSWERS),
                    created_at=submission.created_at + datetime.timedelta(hours=5),
                )
                for submission in made
                if submission.kind == "question" and rng.random() < 0.7
            )
        done = min(first + batch - 1, count)
        rate = done / (time.perf_counter() - started)
        print(f"\r  {done:,} submissions loaded ({rate:,.0f}/s)", end="", flush=True)
    print()
    return discussion, organizer


# --- Measuring ------------------------------------------------------------------------------


def _tree(pid: int) -> list[int]:
    """The process and all its descendants, from /proc."""
    found, pending = [], [pid]
    while pending:
        current = pending.pop()
        found.append(current)
        try:
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children") as handle:
                    pending.extend(int(child) for child in handle.read().split())
        except OSError:
            pass  # it ended meanwhile
    return found


def _proportional_kb(pid: int) -> int:
    """A process's proportional set size: its own pages, and its share of the pages it shares
    (a forked child shares the parent's until either writes them)."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as handle:
            for line in handle:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


class TreeMemory(threading.Thread):
    """Samples, every 50 ms, the memory of a process with all its child processes (the parts of
    a record laid out side by side): the peak of their summed proportional set sizes."""

    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid, self.peak_kb, self.most_processes = pid, 0, 0
        self.stopped = threading.Event()

    def run(self):
        while not self.stopped.wait(0.05):
            tree = _tree(self.pid)
            self.most_processes = max(self.most_processes, len(tree))
            self.peak_kb = max(self.peak_kb, sum(_proportional_kb(pid) for pid in tree))


def build_in_child(build_pk: int) -> dict:
    """Run one build as the worker does, in a child process of its own: its time, CPU time
    (with the processes it started) and peak memory: the most the build's process and its
    children held at once (sampled), and at least the `ru_maxrss` of the largest of them."""
    started = time.perf_counter()
    child = subprocess.Popen(  # noqa: S603 — this very script, with the benchmark's environment
        [sys.executable, os.path.abspath(__file__), "--run-build", str(build_pk)],
        stdout=subprocess.PIPE,
    )
    memory = TreeMemory(child.pid)
    memory.start()
    output = child.stdout.read()
    memory.stopped.set()
    memory.join()
    _pid, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode:
        raise SystemExit(f"build {build_pk} failed in its child process")
    figures = json.loads(output.decode().strip().splitlines()[-1])
    return {
        **figures,
        "wall": time.perf_counter() - started,
        "cpu": usage.ru_utime + usage.ru_stime,
        "peak_mb": max(memory.peak_kb, usage.ru_maxrss) / 1024,
        "processes": memory.most_processes,
    }


def run_build(build_pk: int) -> None:
    """In the child: the build, and what it made."""
    from veche.discussions.models import RecordBuild
    from veche.discussions.records import builds

    started = time.perf_counter()
    outcome = builds.run(build_pk)
    seconds = time.perf_counter() - started
    build = RecordBuild.objects.select_related("discussion").get(pk=build_pk)
    kept = {"protocol": "protocol_file", "conclusion": "conclusion_file"}
    field = getattr(build.discussion, kept[build.kind]) if build.kind in kept else build.file
    size, pages = (field.size if field else 0), 0
    if field and field.name.endswith(".pdf"):
        from pypdf import PdfReader

        with field.open("rb") as handle:
            pages = len(PdfReader(handle).pages)
    print(json.dumps({"outcome": outcome, "build": seconds, "bytes": size, "pages": pages}))


def measure_page(client, url: str, runs: int) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)  # warm the caches a running server would have warm
    with CaptureQueriesContext(connection) as capture:
        response = client.get(url)
    queries = len(capture.captured_queries)  # now: the next request clears the connection's log
    if response.status_code != 200:
        raise SystemExit(f"{url} answered {response.status_code}")
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        client.get(url)
        times.append((time.perf_counter() - started) * 1000)
    return {
        "median": statistics.median(times),
        "p95": percentile(times, 0.95),
        "queries": queries,
        "kb": len(response.content) / 1024,
    }


DOCUMENTS = ("draft", "annex", "docx", "signed", "conclusion")


def measure(count: int, runs: int, seed: int, only=DOCUMENTS) -> tuple[list, list]:
    from django.test import Client

    from veche.discussions import services
    from veche.discussions.models import RecordBuild
    from veche.discussions.queries import SUBMISSIONS_PAGE

    Kind = RecordBuild.Kind
    print(f"\n{count:,} submissions")
    discussion, organizer = load(count, seed)
    client = Client(HTTP_ACCEPT_LANGUAGE="ru")
    proposals = f"/discussions/{discussion.pk}/proposals/"
    last = max(1, -(-discussion.submissions.exclude(kind="question").count() // SUBMISSIONS_PAGE))
    pages = [
        ("discussion page", discussion.get_absolute_url()),
        ("proposals, first page", proposals),
        ("proposals, last page", f"{proposals}?page={last}"),
    ]
    page_rows = [(name, measure_page(client, url, runs)) for name, url in pages if runs]

    def build(kind: str, label: str) -> tuple[str, dict]:
        pk = services.request_record(user=organizer, discussion=discussion, kind=kind).pk
        print(f"  building {label} …", flush=True)
        return label, build_in_child(pk)

    build_rows = []
    if "draft" in only:
        build_rows.append(build(Kind.DRAFT_PROTOCOL, "draft protocol (PDF)"))
    if "annex" in only:
        build_rows.append(build(Kind.ANNEX, "annex, list of participants (PDF)"))
    if "docx" in only:
        build_rows.append(build(Kind.PROTOCOL_DOCX, "protocol (DOCX)"))
    if not {"signed", "docx", "conclusion"} & set(only):
        return page_rows, build_rows
    # Signing and publishing always happen (the conclusion follows the signed protocol); their
    # builds are measured if asked for.
    signed = services.sign_protocol(user=organizer, discussion=discussion)
    if "signed" in only:
        print("  building the signed protocol …", flush=True)
        build_rows.append(("signed protocol (PDF, registered)", build_in_child(signed.pk)))
    discussion.refresh_from_db()
    if "docx" in only:
        build_rows.append(build(Kind.CONCLUSION_DOCX, "conclusion (DOCX)"))
    if "conclusion" not in only:
        return page_rows, build_rows
    published = services.publish_conclusion(
        user=organizer,
        discussion=discussion,
        text="Публичные слушания признаны состоявшимися. Организатор рекомендует утвердить "
        "проект с учётом принятых предложений.",
    )
    print("  building the published conclusion …", flush=True)
    build_rows.append(("published conclusion (PDF, registered)", build_in_child(published.pk)))
    return page_rows, build_rows


def report(results: dict, where: str, runs: int) -> list[str]:
    lines = [f"Database: {where}; pages: {runs} runs each after a warm-up", ""]
    lines.append(
        f"{'document':<40} {'submissions':>11} {'build s':>7} {'time s':>7} {'CPU s':>6} "
        f"{'peak MB':>8} {'procs':>5} {'pages':>6} {'size KB':>8}"
    )
    for count, (_pages, build_rows) in results.items():
        for name, figures in build_rows:
            lines.append(
                f"{name:<40} {count:>11,} {figures['build']:>7.1f} {figures['wall']:>7.1f} "
                f"{figures['cpu']:>6.1f} {figures['peak_mb']:>8.0f} {figures['processes']:>5} "
                f"{figures['pages'] or '':>6} {figures['bytes'] / 1024:>8.0f}"
            )
    lines.append("")
    lines.append(
        f"{'page':<40} {'submissions':>11} {'median ms':>9} {'p95 ms':>7} {'queries':>7} {'KB':>6}"
    )
    for count, (page_rows, _builds) in results.items():
        for name, figures in page_rows:
            lines.append(
                f"{name:<40} {count:>11,} {figures['median']:>9.1f} {figures['p95']:>7.1f} "
                f"{figures['queries']:>7} {figures['kb']:>6.0f}"
            )
    return lines


README_START = "<!-- benchmark-records: written by scripts/benchmark_records.py --readme -->"
README_END = "<!-- /benchmark-records -->"


def thousands(number: int) -> str:
    return f"{number:,}".replace(",", " ")


def markdown(results: dict, where: str) -> str:
    """The figures as the README's tables."""
    lines = [
        f"Measured on {where.split(',')[0]}, {time.strftime('%Y-%m-%d')}, {os.cpu_count()} CPUs"
        f" (`VECHE_RECORDS_PROCESSES` {os.environ.get('VECHE_RECORDS_PROCESSES', '0')}): each"
        " build in a child process of its own, started as a worker is (build: the time the build"
        " took in it once Django was set up, as in a running worker, the first use of WeasyPrint"
        " included; from start: the same with the start of Python and Django; CPU time of the"
        " process and the processes it started; peak memory of all of them together, sampled"
        " every 50 ms as the sum of their proportional set sizes; processes: the most that ran"
        " at once).",
        "",
        "| document | submissions | build, s | from start, s | CPU, s | peak, MB | processes |"
        " pages |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for count, (_pages, build_rows) in results.items():
        for name, figures in build_rows:
            lines.append(
                f"| {name} | {thousands(count)} | {figures['build']:.1f} | {figures['wall']:.1f} | "
                f"{figures['cpu']:.1f} | "
                f"{figures['peak_mb']:.0f} | {figures['processes']} | {figures['pages'] or ''} |"
            )
    lines += [
        "",
        "| page (anonymous) | submissions | median / p95, ms | queries | KB |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for count, (page_rows, _builds) in results.items():
        for name, figures in page_rows:
            lines.append(
                f"| {name} | {thousands(count)} | {figures['median']:.0f} / {figures['p95']:.0f} | "
                f"{figures['queries']} | {figures['kb']:.0f} |"
            )
    return "\n".join(lines)


def write_readme(table: str) -> None:
    """Put the tables between the README's markers (in its Performance section)."""
    readme = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "README.md")
    with open(readme, encoding="utf-8") as handle:
        text = handle.read()
    start, end = text.index(README_START) + len(README_START), text.index(README_END)
    with open(readme, "w", encoding="utf-8") as handle:
        handle.write(text[:start] + "\n" + table + "\n" + text[end:])
    print(f"Written into {readme}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000", help="submissions per hearing")
    parser.add_argument(
        "--runs", type=int, default=20, help="timed requests per page (0: pages not timed)"
    )
    parser.add_argument(
        "--only",
        default=",".join(DOCUMENTS),
        help=f"the documents to build, of {','.join(DOCUMENTS)} (docx: both DOCX copies)",
    )
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument(
        "--readme", action="store_true", help="write the figures into the README's tables"
    )
    parser.add_argument("--run-build", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.run_build:  # the child process of one build: the parent set the environment
        setup_django(os.environ["VECHE_VAR_DIR"])
        run_build(args.run_build)
        return 0

    workdir = tempfile.mkdtemp(prefix="veche-benchmark-records-")
    maintenance = ""
    try:
        where, maintenance = prepare_database(workdir, name=BENCHMARK_DATABASE)
        # Builds run in the benchmark's own child processes, not in a task worker.
        os.environ["TASKS_BACKEND"] = "django_tasks.backends.dummy.DummyBackend"
        setup_django(workdir)
        from django.core.management import call_command

        print(f"Database: {where}")
        call_command("migrate", verbosity=0)
        results = {
            count: measure(count, args.runs, args.seed, args.only.split(","))
            for count in (int(size) for size in args.sizes.split(","))
        }
        print()
        print("\n".join(report(results, where, args.runs)))
        if args.readme:
            write_readme(markdown(results, where))
        usage = resource.getrusage(resource.RUSAGE_SELF)
        print(f"\n(the benchmark's own process peaked at {usage.ru_maxrss / 1024:.0f} MB)")
    finally:
        if args.keep:
            print(f"Kept {BENCHMARK_DATABASE if maintenance else workdir}")
        else:
            drop_benchmark_database(maintenance, name=BENCHMARK_DATABASE)
            shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
