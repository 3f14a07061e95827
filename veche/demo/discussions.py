"""Demo public discussions in every stage, made through the services and then moved back in time
(as the calendar would have moved them), so that a newcomer sees the whole lifecycle at once."""

import datetime
import functools
import logging

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from veche.accounts.services import ensure_account
from veche.demo import votes
from veche.demo.appeals import _residents, _verify
from veche.discussions import services
from veche.discussions.models import (
    Application,
    BroadcastOrigin,
    Discussion,
    MaterialVersion,
    Submission,
)
from veche.discussions.records import builds
from veche.documents.rendering import html_to_pdf
from veche.identity.models import Level, Verification
from veche.identity.services import record_verification

logger = logging.getLogger(__name__)
DAY = datetime.timedelta(days=1)
HOUR = datetime.timedelta(hours=1)

MATERIAL_HTML = """<html><head><style>
@page {{ size: A4; margin: 2cm; }} body {{ font-family: "DejaVu Serif", serif; font-size: 12pt; }}
h1 {{ font-size: 16pt; text-align: center; }} p {{ text-align: justify; line-height: 1.5; }}
</style></head><body><h1>{title}</h1><p><strong>{project}</strong></p>{body}</body></html>"""

PARAGRAPHS = [
    "Проект подготовлен в соответствии с Градостроительным кодексом Российской Федерации, "
    "генеральным планом городского округа «город Казань» и правилами землепользования и "
    "застройки. Материалы содержат описание существующего положения, проектные решения и "
    "их обоснование.",
    "Проектом предусматривается сохранение сложившейся застройки, размещение объектов "
    "социальной инфраструктуры, благоустройство общественных пространств и организация "
    "пешеходных связей. Озеленение территорий общего пользования составляет не менее 30 %.",
    "Транспортное обслуживание обеспечивается существующей улично-дорожной сетью с "
    "реконструкцией пересечений; предусмотрены парковочные места в соответствии с "
    "нормативами и выделенные велосипедные полосы.",
]


def _material_pdf(title: str, project: str, pages: int = 3) -> SimpleUploadedFile:
    return SimpleUploadedFile(
        f"{title}.pdf", _material_bytes(title, project, pages), content_type="application/pdf"
    )


@functools.cache
def _material_bytes(title: str, project: str, pages: int) -> bytes:
    # Rendered once per process: the demo shows the same kind of material in every discussion.
    body = "".join(
        f'<p style="page-break-before: {"always" if page else "auto"}">{PARAGRAPHS[page % 3]}</p>'
        + "".join(f"<p>{text}</p>" for text in PARAGRAPHS)
        for page in range(pages)
    )
    return html_to_pdf(MATERIAL_HTML.format(title=title, project=project, body=body), base_url="/")


DISCUSSIONS = [
    # title, kind, subject, territory, stage, description
    (
        "Внесение изменений в Генеральный план городского округа «город Казань»",
        "discussion",
        "general_plan",
        "kazan",
        "announced",
        "Изменения касаются функциональных зон в Кировском и Московском районах: перевод "
        "промышленной зоны бывшего завода в зону смешанной застройки и выделение "
        "**зелёного коридора** вдоль реки Казанки.\n\nС материалами можно ознакомиться на "
        "экспозиции и на этой странице.",
    ),
    (
        "Условно разрешённый вид использования земельного участка 16:50:110302:45 "
        "(Приволжский район) — «Спорт»",
        "hearing",
        "conditional_use",
        "kazan-privolzhsky",
        "exposition",
        "Правообладатель просит разрешить размещение физкультурно-оздоровительного комплекса "
        "с бассейном на участке площадью 0,6 га по ул. Зорге. Участвуют жители и "
        "правообладатели участков в границах территориальной зоны и смежных участков.",
    ),
    (
        "Проект планировки территории квартала в границах улиц Пушкина, Баумана и Кремлёвской",
        "discussion",
        "planning_project",
        "kazan-vakhitovsky",
        "intake",
        "Проект определяет красные линии, размещение сквера на месте пустыря, реконструкцию "
        "внутриквартальных проездов и участок под детский сад на 120 мест.",
    ),
    (
        "Изменения в Правила землепользования и застройки: зона Ж4 в Советском районе",
        "discussion",
        "land_use_rules",
        "kazan-sovetsky",
        "review",
        "Предлагается снизить предельную высоту застройки в зоне Ж4 вдоль ул. Гвардейской с "
        "75 до 45 метров и увеличить минимальную долю озеленения участков.",
    ),
    (
        "Правила благоустройства: набережная озера Кабан",
        "discussion",
        "improvement_rules",
        "kazan-vakhitovsky",
        "concluded",
        "Правила определяют требования к покрытиям, освещению, малым архитектурным формам и "
        "доступности набережной озера Нижний Кабан для маломобильных граждан.",
    ),
    (
        "Проект межевания территории микрорайона «Азино-2»",
        "hearing",
        "planning_project",
        "kazan-sovetsky",
        "concluded",
        "Проект определяет границы образуемых земельных участков под многоквартирными домами, "
        "школой и сквером, а также территории общего пользования микрорайона.",
    ),
]

SUBMISSIONS = {
    "exposition": [
        ("question", "Будет ли бассейн доступен жителям района по социальным абонементам?"),
        ("question", "Сколько парковочных мест предусмотрено и где будет въезд?"),
    ],
    "intake": [
        ("proposal", "Сохранить существующие липы вдоль улицы Пушкина, сдвинув проезд на 3 метра."),
        ("remark", "На чертеже не показан существующий пешеходный переход у дома 12."),
        ("question", "Когда начнётся строительство детского сада?"),
        ("proposal", "Добавить в сквере площадку для выгула собак, отделённую от детской."),
    ],
    "review": [
        ("proposal", "Установить предельную высоту 30 метров, а не 45, у исторической застройки."),
        ("remark", "Зона Ж4 на карте захватывает территорию школы № 12 — это ошибка."),
        ("proposal", "Требовать 40 % озеленения для участков площадью более 1 га."),
    ],
    "concluded": [
        ("proposal", "Сделать пандусы на всех спусках к воде с уклоном не более 5 %."),
        ("proposal", "Установить тёплое освещение 3000 K вместо холодного."),
        ("remark", "Не предусмотрены общественные туалеты на набережной."),
    ],
}
# A concluded hearing: its own submissions, and remarks sent online during its meeting.
SUBMISSIONS["concluded-hearing"] = [
    ("proposal", "Отнести внутридворовые проезды к территориям общего пользования."),
    ("remark", "Участок под сквером на чертеже меньше, чем в пояснительной записке."),
]
MEETING_REMARKS = [
    "Прошу предусмотреть проход к школе со стороны улицы Азата Аббасова.",
    "На собрании не прозвучало, где разместят контейнерные площадки; прошу указать.",
]
# Broadcasts of the demo hearings come from this site, which the demo lists as allowed.
BROADCAST_ORIGIN = "https://rutube.ru"
BROADCAST_URL = "https://rutube.ru/play/embed/veche-demo-hearing"
MINUTES = (
    "Собрание участников открыл председатель комиссии; присутствовали **34** участника, "
    "трансляцию смотрели 112 человек.\n\n"
    "1. Разработчик проекта доложил о границах образуемых участков.\n"
    "2. Выступили 6 участников; их предложения и замечания внесены в протокол.\n"
    "3. Замечания, отправленные онлайн во время собрания, зарегистрированы под номерами."
)
CONCLUSION = {
    "discussion": "Общественные обсуждения признаны состоявшимися. Организатор рекомендует "
    "утвердить Правила с учётом предложений о доступности и освещении.",
    "hearing": "Публичные слушания признаны состоявшимися. Организатор рекомендует утвердить "
    "проект межевания с учётом замечаний о сквере и проходе к школе.",
}
PROGRESS = {
    "discussion": (
        "Правила утверждены решением Казанской городской Думы",
        "Пандусы включены в проект реконструкции набережной",
    ),
    "hearing": (
        "Проект межевания утверждён постановлением Исполкома",
        "Внутридворовые проезды отнесены к территориям общего пользования",
    ),
}
RECOMMENDATIONS = [
    ("accepted", "Предложение учтено: проектное решение изменено."),
    ("partly", "Учтено частично: решение будет уточнено на стадии рабочей документации."),
    ("rejected", "Не учтено: противоречит нормативам градостроительного проектирования."),
]


def _dates(stage: str, today: datetime.date) -> dict:
    start = {
        "announced": today + 4 * DAY,
        "exposition": today - 2 * DAY,
        "intake": today - 6 * DAY,
        "review": today - 20 * DAY,
        "concluded": today - 60 * DAY,
    }[stage]
    intake_start = start + (4 * DAY if stage == "exposition" else 0 * DAY)
    intake_end = intake_start + 13 * DAY
    return {
        "notice_date": start - 8 * DAY,
        "exposition_start": start,
        "intake_start": intake_start,
        "intake_end": intake_end,
        "exposition_end": intake_end,
        "protocol_due": intake_end + 5 * DAY,
        "conclusion_due": intake_end + 12 * DAY,
    }


def _legal_entity(territories):
    """A developer's representative, verified with the company's OGRN, and its application."""
    user, created = ensure_account(
        email="developer@demo.veche.example",
        password=None,
        last_name="Зарипов",
        first_name="Айдар",
        name_publication="none",
    )
    if created:
        record_verification(
            user=user,
            level=Level.PROVIDER,
            source=Verification.Source.OPERATOR,
            source_reference="demo",
            trust_framework="demo",
            claims={
                "family_name": "Зарипов",
                "given_name": "Айдар",
                "legal_entity": {
                    "name": "ООО «Казанский девелопмент»",
                    "ogrn": "1021602836280",
                    "address": "420111, Казань, ул. Баумана, 44",
                },
            },
            territory=territories["kazan-privolzhsky"],
        )
    return user


def load_discussions(territories, organizations, users) -> int:
    """Load the demo discussions (once)."""
    if Discussion.objects.filter(title=DISCUSSIONS[0][0]).exists():
        return Discussion.objects.count()
    organizer = users["organizer@demo.veche.example"]
    expert = users["expert@demo.veche.example"]
    BroadcastOrigin.objects.get_or_create(
        origin=BROADCAST_ORIGIN, defaults={"reason": "Демо: видеосервис трансляций слушаний"}
    )
    architecture = organizations["kazan-architecture"]
    developer = _legal_entity(territories)
    today = timezone.localdate()
    for title, kind, subject, code, stage, description in DISCUSSIONS:
        with transaction.atomic():
            _discussion(
                title=title,
                kind=kind,
                subject=subject,
                territory=territories[code],
                stage=stage,
                description=description,
                organizer=organizer,
                organization=architecture,
                expert=expert,
                developer=developer,
                today=today,
            )
    if not Application.objects.exists():
        services.apply_for_discussion(
            user=developer,
            organization=architecture,
            subject="deviation",
            title="Отклонение от предельных параметров: жилой дом на ул. Тэцевской",
            description="Просим разрешить увеличение высоты жилого дома с 9 до 12 этажей.",
            territory=territories["kazan-privolzhsky"],
            document=_material_pdf("Заявление", "ООО «Казанский девелопмент»", pages=1),
        )
    return Discussion.objects.count()


def _discussion(
    *,
    title,
    kind,
    subject,
    territory,
    stage,
    description,
    organizer,
    organization,
    expert,
    developer,
    today,
):
    future = _dates("announced", today + 30 * DAY)
    fields = {
        "kind": kind,
        "subject": subject,
        "title": title,
        "description": description,
        "territory": territory,
        "exposition_place": "Казань, ул. Кремлёвская, 1, холл 1-го этажа",
        "exposition_hours": "пн–пт 9:00–18:00, сб 10:00–14:00",
        **future,
    }
    if kind == "hearing":
        fields["meeting_at"] = timezone.make_aware(
            datetime.datetime.combine(future["intake_end"], datetime.time(18, 0))
        )
        fields["meeting_place"] = "Казань, ул. Зорге, 66, актовый зал школы № 82"
    discussion = services.create_discussion(
        user=organizer,
        organizer=organization,
        fields=fields,
        eligibility={"min_age": 18, "territories": [territory], "owners_qualify": True},
        experts=[expert],
        accept_warnings=True,
    )
    services.add_material(
        user=organizer,
        discussion=discussion,
        title="Пояснительная записка",
        upload=_material_pdf("Пояснительная записка", "Материалы проекта"),
    )
    services.add_material(
        user=organizer,
        discussion=discussion,
        title="Основной чертёж",
        upload=_material_pdf("Основной чертёж", "Материалы проекта", pages=1),
    )
    votes.add_questions(discussion, organizer, stage)
    services.publish_discussion(user=organizer, discussion=discussion, accept_warnings=True)
    dates = _dates(stage, today)
    if kind == "hearing":
        dates["meeting_at"] = timezone.make_aware(
            datetime.datetime.combine(dates["intake_end"], datetime.time(18, 0))
        )
        dates["broadcast_url"] = BROADCAST_URL
    Discussion.objects.filter(pk=discussion.pk).update(**dates)
    discussion.refresh_from_db()
    # As if prepared and published the day before the notice.
    prepared = discussion.starts(discussion.notice_date) - DAY
    MaterialVersion.objects.filter(material__discussion=discussion).update(uploaded_at=prepared)
    Discussion.objects.filter(pk=discussion.pk).update(published_at=prepared, created_at=prepared)
    specs = SUBMISSIONS.get(f"{stage}-{kind}", SUBMISSIONS.get(stage, []))
    people = _residents(territory, len(specs) + 1 + len(MEETING_REMARKS), start=200)
    for person in people:
        if not person.verifications.exists():
            _verify(person, territory)
    submissions = []
    for number, (kind_, text) in enumerate(specs):
        moment = timezone.make_aware(
            datetime.datetime.combine(
                max(discussion.exposition_start, today - 30 * DAY) + number * DAY
                if kind_ == "question"
                else discussion.intake_start + number * DAY,
                datetime.time(10 + number, 15),
            )
        )
        moment = min(moment, timezone.now() - datetime.timedelta(hours=1))
        submissions.append(
            services.submit(
                user=people[number],
                discussion=discussion,
                kind=kind_,
                text=text,
                material=discussion.materials.first() if number % 2 else None,
                page=2 if number % 2 else None,
                moment=moment,
            )
        )
    for submission in submissions:
        if submission.kind == Submission.Kind.QUESTION and submission.number % 2:
            services.answer_question(
                expert=expert,
                submission=submission,
                text="Да. Подробности — в разделе 3 пояснительной записки; уточнения будут "
                "опубликованы до окончания экспозиции.",
            )
            submission.answers.update(
                created_at=min(submission.created_at + 5 * HOUR, timezone.now())
            )
    if kind == "hearing" and stage == "concluded":
        submissions += _meeting(discussion, people[len(specs) + 1 :], organizer)
    if stage == "intake":
        _debate(submissions[0], territory)
    votes.cast_ballots(discussion, stage)
    if stage in ("review", "concluded"):
        for submission in submissions[: len(submissions) - (1 if stage == "review" else 0)]:
            recommendation, reason = RECOMMENDATIONS[submission.number % 3]
            services.recommend(
                user=organizer,
                submission=submission,
                recommendation=recommendation,
                reason=reason,
            )
    if stage == "concluded":
        # The demo loader is the worker here: it builds the protocol and the conclusion itself.
        builds.run(services.sign_protocol(user=organizer, discussion=discussion).pk)
        signed = timezone.now() - 40 * DAY
        Discussion.objects.filter(pk=discussion.pk).update(protocol_signed_at=signed)
        discussion.refresh_from_db()
        published = services.publish_conclusion(
            user=organizer,
            discussion=discussion,
            text=CONCLUSION[kind],
        )
        builds.run(published.pk)
        Discussion.objects.filter(pk=discussion.pk).update(
            conclusion_published_at=timezone.now() - 35 * DAY
        )
        discussion.refresh_from_db()
        services.record_progress(
            user=organizer,
            discussion=discussion,
            title=PROGRESS[kind][0],
            percent=40,
        )
        accepted = discussion.submissions.filter(recommendation="accepted").first()
        services.record_progress(
            user=organizer,
            discussion=discussion,
            submission=accepted,
            title=PROGRESS[kind][1],
            percent=60,
            note="Работы запланированы на второй квартал.",
        )
        discussion.milestones.update(recorded_at=timezone.now() - 10 * DAY)
    return discussion


def _meeting(discussion, people, organizer) -> list[Submission]:
    """The hearing's meeting, held: remarks sent online while it lasted, then its record."""
    remarks = [
        services.send_meeting_remark(
            user=person,
            discussion=discussion,
            text=text,
            moment=discussion.meeting_at + (20 + 15 * number) * datetime.timedelta(minutes=1),
        )
        for number, (person, text) in enumerate(zip(people, MEETING_REMARKS, strict=True))
    ]
    services.publish_meeting_record(
        user=organizer,
        discussion=discussion,
        minutes=MINUTES,
        recording_url="https://rutube.ru/video/veche-demo-hearing-recording/",
    )
    Discussion.objects.filter(pk=discussion.pk).update(
        meeting_record_published_at=discussion.meeting_end + 2 * HOUR
    )
    discussion.refresh_from_db()
    return remarks


DEBATE = [
    "Поддерживаю: липам больше пятидесяти лет, новые такой тени не дадут.",
    "А хватит ли тогда места для тротуара с другой стороны проезда?",
]


def _debate(submission, territory) -> None:
    """A few residents debate the intake's first proposal: replies in a thread, and marks."""
    people = _residents(territory, 5, start=300)
    for person in people:
        if not person.verifications.exists():
            _verify(person, territory)
    first = services.reply_to_submission(author=people[0], submission=submission, text=DEBATE[0])
    services.reply_to_submission(
        author=people[1], submission=submission, text=DEBATE[1], parent=first
    )
    services.reply_to_submission(
        author=submission.author,
        submission=submission,
        text="Хватит: по чертежу тротуар **2,25 м**, как и сейчас.",
        parent=first,
    )
    for person, kind in zip(
        people, ("support", "support", "support", "object", "support"), strict=True
    ):
        services.mark_submission(user=person, submission=submission, kind=kind)
