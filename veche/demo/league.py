"""Histories of the demo city's organizations, so that the rating of organizations tells a story:
the Sovetsky administration and the improvement committee answer fast and are rated well,
Vodokanal answers late and badly and leaves an appeal overdue, the transport committee takes its
time, the Kirovsky and Moskovsky administration lets two appeals run past their due date, and the
architecture department and Metroelectrotrans have nothing to judge yet. One appeal to the housing
committee could not be delivered (its mailbox refuses mail), which the operators are told of.

Each problem is made through the services, then moved back in time; a problem already there is
left alone, so that loading the demo again adds nothing.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from veche.appeals import operators, services
from veche.appeals.models import (
    DISPATCH_KIND,
    Answer,
    Appeal,
    Category,
    Dispatch,
    Problem,
    Rating,
    Revision,
    Signature,
)
from veche.core.models import OutboxMessage
from veche.demo.appeals import _official, _residents
from veche.organizations.models import Organization
from veche.territories.models import Territory


@dataclass(frozen=True)
class History:
    district: str
    category: str
    organization: str
    title: str
    place: tuple[str, str, str]  # address, latitude, longitude (inside the district's outline)
    text: str
    sent_days_ago: int
    # Days from sending to the final answer; None: registered and never answered.
    answer_days: int | None = None
    scores: tuple[int, ...] = ()
    answer: str = ""
    undeliverable: bool = False  # the letter was given up: not registered, not answered


HISTORIES = [
    History(
        "kazan-sovetsky",
        "roads",
        "kazan-admin-sovetsky",
        "Провал асфальта у подъезда дома 15 на улице Гвардейской",
        ("улица Гвардейская, 15", "55.780500", "49.189500"),
        "Просим отремонтировать провал асфальта у третьего подъезда дома 15 на улице "
        "Гвардейской: яма глубиной около 30 см, в темноте в неё уже падали люди.",
        sent_days_ago=75,
        answer_days=6,
        scores=(5, 5, 4, 5),
        answer="Провал у дома 15 заасфальтирован подрядчиком района, работы приняты.",
    ),
    History(
        "kazan-sovetsky",
        "waste",
        "kazan-admin-sovetsky",
        "Стихийная свалка за гаражами на улице Патриса Лумумбы",
        ("гаражи на улице Патриса Лумумбы", "55.772000", "49.224000"),
        "Просим ликвидировать стихийную свалку строительного мусора за гаражами на улице "
        "Патриса Лумумбы и установить там знак о запрете сброса отходов.",
        sent_days_ago=50,
        answer_days=9,
        scores=(4, 5, 5),
        answer="Свалка вывезена, участок включён в план регулярного осмотра, знак установлен.",
    ),
    History(
        "kazan-vakhitovsky",
        "lighting",
        "kazan-improvement-committee",
        "Не работает подсветка пешеходного перехода на улице Тукая",
        ("улица Тукая, 40", "55.778500", "49.119000"),
        "Просим восстановить подсветку нерегулируемого пешеходного перехода на улице Тукая "
        "у дома 40: светильник не работает третью неделю, переход в темноте не виден.",
        sent_days_ago=40,
        answer_days=4,
        scores=(5, 4, 5, 5),
        answer="Светильник над переходом заменён, подсветка работает.",
    ),
    History(
        "kazan-privolzhsky",
        "water",
        "kazan-vodokanal",
        "Ржавая вода из кранов в домах на улице Гарифьянова",
        ("улица Гарифьянова, 28–36", "55.741000", "49.187000"),
        "Просим выяснить причину и устранить подачу ржавой воды в дома 28–36 на улице "
        "Гарифьянова: вода идёт коричневая уже месяц, её нельзя пить и использовать для стирки.",
        sent_days_ago=80,
        answer_days=41,
        scores=(1, 2, 1, 2, 2),
        answer="Промывка сетей будет выполнена в плановом порядке.",
    ),
    History(
        "kazan-moskovsky",
        "water",
        "kazan-vodokanal",
        "Открытый канализационный люк во дворе дома 8 на улице Копылова",
        ("двор дома 8 на улице Копылова", "55.823500", "49.078500"),
        "Просим закрыть открытый канализационный колодец во дворе дома 8 на улице Копылова: "
        "крышка разбита, рядом играют дети.",
        sent_days_ago=55,
    ),
    History(
        "kazan-novo-savinovsky",
        "transport",
        "kazan-transport-committee",
        "Автобус № 46 не ходит по вечерам по расписанию",
        ("остановка «Улица Чуйкова»", "55.825000", "49.119000"),
        "Просим восстановить вечерние рейсы автобуса № 46: после 20:00 интервал движения "
        "вместо 15 минут доходит до часа, жители не могут добраться домой с работы.",
        sent_days_ago=60,
        answer_days=27,
        scores=(3, 3, 4, 2),
        answer="Перевозчику направлено требование соблюдать расписание вечерних рейсов.",
    ),
    History(
        "kazan-kirovsky",
        "roads",
        "kazan-admin-kirovsky-moskovsky",
        "Разрушена лестница к остановке на улице Воровского",
        ("лестница к остановке «Кировская дамба»", "55.798500", "49.086000"),
        "Просим отремонтировать бетонную лестницу от домов на улице Воровского к остановке "
        "«Кировская дамба»: ступени разрушены, перила сломаны, зимой там опасно.",
        sent_days_ago=70,
    ),
    History(
        "kazan-moskovsky",
        "yards",
        "kazan-admin-kirovsky-moskovsky",
        "Двор дома 12 на улице Тэцевской затапливает после дождя",
        ("двор дома 12 на улице Тэцевской", "55.823000", "49.069000"),
        "Просим обустроить водоотвод во дворе дома 12 на улице Тэцевской: после каждого "
        "дождя двор затапливает, к подъездам не пройти.",
        sent_days_ago=52,
    ),
    History(
        "kazan-aviastroitelny",
        "yards",
        "kazan-admin-aviastroitelny-novo-savinovsky",
        "Нет скамеек во дворе домов 3–5 на улице Лукина",
        ("двор домов 3–5 на улице Лукина", "55.863000", "49.093000"),
        "Просим установить скамейки и урны во дворе домов 3–5 на улице Лукина: после ремонта "
        "двора их убрали и не вернули.",
        sent_days_ago=65,
        answer_days=18,
        scores=(3, 4, 3),
        answer="Установка скамеек запланирована на следующий сезон благоустройства.",
    ),
    History(
        "kazan-vakhitovsky",
        "safety",
        "kazan-admin-vakhitovsky-privolzhsky",
        "Машины паркуются на тротуаре у гимназии № 7",
        ("тротуар у гимназии № 7", "55.787000", "49.133000"),
        "Просим установить столбики, которые не дадут парковаться на тротуаре у гимназии № 7: "
        "дети идут в школу по проезжей части.",
        sent_days_ago=45,
        answer_days=12,
        scores=(4, 4, 3),
        answer="Ограничительные столбики установлены вдоль тротуара у гимназии.",
    ),
    History(
        "kazan-moskovsky",
        "other",
        "kazan-housing-committee",
        "Течёт крыша в доме 7 на улице Декабристов",
        ("улица Декабристов, 7", "55.823000", "49.086000"),
        "Просим обязать управляющую компанию отремонтировать кровлю дома 7 на улице "
        "Декабристов: при каждом дожде заливает квартиры верхнего этажа.",
        sent_days_ago=5,
        undeliverable=True,
    ),
]

SIGNATORIES = 5
# What a mail server answers for a mailbox that is gone.
REFUSED = (
    "SMTPRecipientsRefused: {'zhkh.kazan@example.org': (550, b'5.1.1 <zhkh.kazan@example.org>: "
    "Recipient address rejected: User unknown in virtual mailbox table')}"
)


def load_histories(
    territories: dict[str, Territory], organizations: dict[str, Organization]
) -> int:
    made = 0
    for history in HISTORIES:
        if Problem.objects.filter(title=history.title).exists():
            continue
        with transaction.atomic():
            _history(history, territories[history.district], organizations[history.organization])
        made += 1
    return made


def _at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _history(history: History, territory: Territory, organization: Organization) -> None:
    today = timezone.localdate()
    people = _residents(territory, SIGNATORIES, start=60)
    author = people[0]
    problem = services.publish_problem(
        author=author,
        title=history.title,
        description=history.text.split(": ")[0] + ".",
        category=Category.objects.get(slug=history.category),
        territory=territory,
        organization=organization,
        appeal_text=history.text,
        address=history.place[0],
        latitude=Decimal(history.place[1]),
        longitude=Decimal(history.place[2]),
    )
    appeal = problem.current_appeal
    for person in people[1:]:
        services.sign_appeal(user=person, appeal=appeal)
    services.send_appeal_now(author=author, appeal=appeal)
    sent = today - datetime.timedelta(days=history.sent_days_ago)
    published = sent - datetime.timedelta(days=4)
    Problem.objects.filter(pk=problem.pk).update(
        published_at=_at(published), created_at=_at(published)
    )
    Revision.objects.filter(appeal=appeal).update(created_at=_at(published))
    Signature.objects.filter(appeal=appeal).update(created_at=_at(published, 18))
    Appeal.objects.filter(pk=appeal.pk).update(sent_at=_at(sent, 12))
    Dispatch.objects.filter(appeal=appeal).update(created_at=_at(sent, 12))
    if history.undeliverable:
        _give_up(appeal)
        return
    official = _official(organization)
    registered = sent + datetime.timedelta(days=1)
    services.register_appeal(
        official=official,
        appeal=appeal,
        registration_number=f"КО-{2000 + appeal.pk}/26",
        registered_on=registered,
    )
    Appeal.objects.filter(pk=appeal.pk).update(registered_at=_at(registered))
    if history.answer_days is None:
        return  # overdue: due thirty days after registration, long gone
    services.answer_appeal(
        official=official, appeal=appeal, kind=Answer.Kind.FINAL, text=history.answer
    )
    appeal.refresh_from_db()
    answered = _at(sent + datetime.timedelta(days=history.answer_days), 15)
    Appeal.objects.filter(pk=appeal.pk).update(
        answered_at=answered,
        rating_until=answered + datetime.timedelta(days=14),
        answered_on_time=timezone.localdate(answered) <= appeal.due_date,
    )
    Answer.objects.filter(appeal=appeal).update(created_at=answered)
    for person, score in zip(people, history.scores, strict=False):
        Rating.objects.create(
            appeal=appeal,
            user=person,
            score=score,
            created_at=answered + datetime.timedelta(days=2),
        )


def _give_up(appeal: Appeal) -> None:
    """The letter failed its every attempt: as the outbox records it, and tells the operators."""
    dispatch = Dispatch.objects.get(appeal=appeal)
    OutboxMessage.objects.filter(kind=DISPATCH_KIND, target_id=dispatch.pk).update(
        state=OutboxMessage.State.GAVE_UP,
        attempts=settings.VECHE_OUTBOX_MAX_ATTEMPTS,
        last_error=REFUSED,
        next_attempt_at=timezone.now(),
    )
    operators.dispatch_gave_up(OutboxMessage.objects.get(kind=DISPATCH_KIND, target_id=dispatch.pk))
