"""How long the records of a big hearing take to build, how much memory they need, and how fast
the discussion page is with that many submissions.

Builds a database of its own — a SQLite file in a temporary folder, or, when DATABASE_URL names
a PostgreSQL server, the database `veche_benchmark_records` on that server (dropped and made
afresh; no other database is touched) — with a public hearing of 1 000 and one of 10 000
submissions (Russian texts, recommendations with reasons, experts' answers, paper submissions
and legal entities among them). Then, for each, it builds every record as the background worker
does — each build in a child process of its own, so that the peak memory (`ru_maxrss` of that
child) is the build's alone — and requests the discussion page and its list of submissions
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
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from benchmark_problems import percentile, prepare_database, setup_django  # noqa: E402
from benchmark_problems import drop_database as drop_benchmark_database  # noqa: E402

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
