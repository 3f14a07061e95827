"""Demo problems and appeals in every state of the lifecycle, made through the services, then
moved back in time so that deadlines, overdue answers and rating windows look real."""

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from veche.accounts.services import ensure_account
from veche.appeals import services
from veche.appeals.models import (
    Answer,
    Appeal,
    Category,
    ControlPeriod,
    Message,
    Problem,
    Rating,
    Responsibility,
    Revision,
    Signature,
)
from veche.demo.geography import PLACES
from veche.identity.models import Level, Verification
from veche.identity.services import record_verification
from veche.organizations.models import Membership, Organization
from veche.territories.models import Territory

CATEGORIES = [
    ("roads", "Дороги и тротуары", "Roads and pavements"),
    ("yards", "Дворы и детские площадки", "Yards and playgrounds"),
    ("lighting", "Освещение", "Street lighting"),
    ("waste", "Вывоз мусора", "Waste collection"),
    ("water", "Водоснабжение и канализация", "Water and sewerage"),
    ("transport", "Общественный транспорт", "Public transport"),
    ("safety", "Безопасность движения", "Road safety"),
    ("other", "Другое", "Other"),
]

# category → organization that declares it answers for it across the city
CITY_RESPONSIBILITIES = {
    "water": "kazan-vodokanal",
    "transport": "kazan-transport-committee",
    "lighting": "kazan-improvement-committee",
}
DISTRICT_CATEGORIES = ("roads", "yards", "waste", "safety", "other")

PROBLEMS = [
    # key, district, category, organization, title, signatures, state, days ago published
    (
        "potholes",
        "kazan-vakhitovsky",
        "yards",
        "kazan-admin-vakhitovsky-privolzhsky",
        "Ямы во дворе дома 12 по улице Пушкина",
        23,
        "collecting",
        6,
    ),
    (
        "lights",
        "kazan-vakhitovsky",
        "lighting",
        "kazan-improvement-committee",
        "Не горят фонари в сквере на улице Баумана",
        41,
        "collecting",
        12,
    ),
    (
        "shelter",
        "kazan-novo-savinovsky",
        "transport",
        "kazan-transport-committee",
        "Остановка без навеса на проспекте Ямашева",
        50,
        "sent",
        20,
    ),
    (
        "basement",
        "kazan-privolzhsky",
        "water",
        "kazan-admin-vakhitovsky-privolzhsky",
        "Затапливает подвал дома 10 на улице Зорге",
        50,
        "overdue",
        60,
    ),
    (
        "playground",
        "kazan-sovetsky",
        "yards",
        "kazan-admin-sovetsky",
        "Сломана детская площадка во дворе на улице Академика Сахарова",
        50,
        "rating",
        45,
    ),
    (
        "containers",
        "kazan-kirovsky",
        "waste",
        "kazan-admin-kirovsky-moskovsky",
        "Неделю не вывозят мусор с площадки на улице Батыршина",
        50,
        "solved",
        70,
    ),
    (
        "crossing",
        "kazan-sovetsky",
        "safety",
        "kazan-admin-sovetsky",
        "Опасный пешеходный переход у школы № 39",
        50,
        "escalated",
        90,
    ),
    (
        "ice",
        "kazan-vakhitovsky",
        "yards",
        "kazan-admin-vakhitovsky-privolzhsky",
        "Не убирают наледь во дворе дома 7 по улице Островского",
        50,
        "late_escalated",
        40,
    ),
]

TEXTS = {
    "potholes": "Просим отремонтировать асфальтовое покрытие во дворе дома 12 по улице Пушкина. "
    "После зимы образовались ямы глубиной до 20 см; в них скапливается вода, машины "
    "скорой помощи и мусоровоз с трудом проезжают к подъездам, дети спотыкаются.",
    "lights": "Просим восстановить уличное освещение в сквере на улице Баумана. Уже месяц не "
    "горят 8 из 12 фонарей; вечером в сквере темно, жители, особенно пожилые, "
    "боятся ходить через него к остановке.",
    "shelter": "Просим установить павильон ожидания на остановке общественного транспорта "
    "«Проспект Ямашева» в сторону центра. Пассажиры, среди которых много пожилых людей "
    "и родителей с детьми, ждут автобус под дождём и снегом.",
    "basement": "Просим устранить причину затопления подвала дома 10 на улице Зорге. При каждом "
    "дожде подвал заливает из-за неисправной ливневой канализации; в доме сырость, "
    "плесень и запах, повреждены коммуникации.",
    "playground": "Просим отремонтировать детскую площадку во дворе домов на улице Академика "
    "Сахарова: сломаны качели и горка, из покрытия торчат металлические "
    "конструкции. Детям опасно играть.",
    "containers": "Просим наладить регулярный вывоз мусора с контейнерной площадки на улице "
    "Батыршина. Мусор не вывозится уже неделю, контейнеры переполнены, отходы "
    "разносит ветер.",
    "crossing": "Просим обустроить безопасный пешеходный переход у школы № 39: установить "
    "светофор, искусственные неровности и ограждение. Каждый день сотни детей "
    "переходят оживлённую дорогу без светофора.",
    "ice": "Просим организовать уборку снега и наледи во дворе дома 7 по улице Островского. "
    "Двор не убирают с начала зимы: у подъездов сплошной лёд, жители падают, пожилые люди "
    "не могут выйти из дома.",
}

# What the addressee of the overdue appeal, taken under control, tells all its signatories.
BASEMENT_MESSAGE = (
    "Уважаемые жители! Обследование подвала дома 10 на улице Зорге с участием управляющей "
    "компании и Водоканала назначено на ближайший вторник. Просим представителей дома быть "
    "на месте к 10 часам."
)

ANSWERS = {
    "playground": "Администрация Советского района сообщает: ремонт детской площадки включён в "
    "программу благоустройства дворов. Качели и горка будут заменены до 15 декабря, "
    "покрытие — весной после схода снега.",
    "containers": "Сообщаем, что вывоз мусора с площадки на улице Батыршина восстановлен; "
    "перевозчику выставлена претензия, график вывоза — ежедневно.",
    "crossing": "Устройство светофорного объекта у школы № 39 не предусмотрено программой "
    "текущего года. Вопрос будет рассмотрен при формировании программы на следующий "
    "год.",
}

DEMO_RESIDENT_DOMAIN = "residents.demo.veche.example"


def load_appeals(
    territories: dict[str, Territory], organizations: dict[str, Organization], author
) -> int:
    """Load categories, responsibilities and the demo problems (once)."""
    categories = _categories()
    _responsibilities(categories, territories, organizations)
    _verify_demo_residents(territories)
    if Problem.objects.filter(title=PROBLEMS[0][4]).exists():
        return Problem.objects.count()
    for spec in PROBLEMS:
        with transaction.atomic():
            _problem(spec, categories, territories, organizations, author)
    return Problem.objects.count()


def _categories() -> dict[str, Category]:
    loaded = {}
    for position, (slug, ru, en) in enumerate(CATEGORIES):
        loaded[slug], _ = Category.objects.update_or_create(
            slug=slug, defaults={"name": {"ru": ru, "en": en}, "position": position}
        )
    return loaded


def _responsibilities(categories, territories, organizations) -> None:
    kazan = territories["kazan"]
    for category, slug in CITY_RESPONSIBILITIES.items():
        Responsibility.objects.get_or_create(
            organization=organizations[slug], category=categories[category], territory=kazan
        )
    for organization in organizations.values():
        if organization.slug.startswith("kazan-admin-"):
            for territory in organization.jurisdiction.all():
                for category in DISTRICT_CATEGORIES:
                    Responsibility.objects.get_or_create(
                        organization=organization,
                        category=categories[category],
                        territory=territory,
                    )


def _verify_demo_residents(territories) -> None:
    """The demo accounts live in Vakhitovsky (Сафина) and Sovetsky (Кузнецов) districts."""
    from veche.accounts.models import User

    for email, code in (
        ("resident@demo.veche.example", "kazan-vakhitovsky"),
        ("neighbour@demo.veche.example", "kazan-sovetsky"),
    ):
        user = User.objects.get(email=email)
        if not user.verifications.filter(revoked_at__isnull=True).exists():
            _verify(user, territories[code])


def _verify(user, territory) -> None:
    record_verification(
        user=user,
        level=Level.CENSUS,
        source=Verification.Source.OPERATOR,
        source_reference="demo",
        trust_framework="demo",
        claims={
            "family_name": user.last_name,
            "given_name": user.first_name,
            "address": {"formatted": f"Казань, {territory.title}"},
        },
        birthdate=datetime.date(1975, 5, 17),
        territory=territory,
    )


def _residents(territory, count: int, start: int = 0) -> list:
    people = []
    surnames = [
        "Иванов",
        "Сафин",
        "Петрова",
        "Гарипова",
        "Николаев",
        "Хасанов",
        "Смирнова",
        "Валиев",
        "Кузьмина",
        "Закиров",
    ]
    names = [
        "Алексей",
        "Рустем",
        "Елена",
        "Гульнара",
        "Сергей",
        "Айдар",
        "Ольга",
        "Ильнур",
        "Мария",
        "Камиль",
    ]
    for number in range(start, start + count):
        user, created = ensure_account(
            email=f"{territory.code}-{number:03d}@{DEMO_RESIDENT_DOMAIN}",
            password=None,
            last_name=surnames[number % 10],
            first_name=names[(number // 10) % 10],
            name_publication="initials" if number % 3 == 0 else "none",
        )
        if created:
            _verify(user, territory)
        people.append(user)
    return people


def _official(organization) -> object:
    membership = (
        Membership.objects.filter(organization=organization, role=Membership.Role.OFFICIAL)
        .select_related("user")
        .first()
    )
    if membership:
        return membership.user
    user, _ = ensure_account(
        email=f"official.{organization.slug}@demo.veche.example",
        password=None,
        last_name="Служащий",
        first_name="Демо",
    )
    Membership.objects.get_or_create(
        user=user, organization=organization, role=Membership.Role.OFFICIAL
    )
    return user


def _problem(spec, categories, territories, organizations, author) -> None:
    key, code, category, slug, title, signatures, state, days_ago = spec
    territory, organization = territories[code], organizations[slug]
    now = timezone.now()
    published = now - datetime.timedelta(days=days_ago)
    people = _residents(territory, signatures, start=0)
    problem_author = author if code == "kazan-vakhitovsky" else people[0]
    address, latitude, longitude = PLACES[key]
    problem = services.publish_problem(
        author=problem_author,
        title=title,
        description=TEXTS[key].split(". ")[0] + ".",
        category=categories[category],
        territory=territory,
        organization=organization,
        appeal_text=TEXTS[key],
        address=address,
        latitude=Decimal(latitude),
        longitude=Decimal(longitude),
    )
    appeal = problem.current_appeal
    for person in people:
        if person == problem_author or appeal.signature_count >= signatures:
            continue
        services.sign_appeal(user=person, appeal=appeal)
        appeal.refresh_from_db()
    Problem.objects.filter(pk=problem.pk).update(published_at=published, created_at=published)
    Revision.objects.filter(appeal=appeal).update(created_at=published)
    Signature.objects.filter(appeal=appeal).update(
        created_at=published + datetime.timedelta(hours=5)
    )
    appeal.refresh_from_db()
    official = _official(organization)
    if state in ("collecting",):
        return
    sent_at = published + datetime.timedelta(days=3)
    Appeal.objects.filter(pk=appeal.pk).update(sent_at=sent_at)
    if state == "sent":
        # Support goes on after the dispatch: as many again sign, and the doubling sends the
        # addressee a supplementary list of them (the answer's due date unchanged).
        for person in _residents(territory, signatures, start=signatures):
            appeal.refresh_from_db()
            services.sign_appeal(user=person, appeal=appeal)
        return
    if state == "late_escalated":
        _escalate_unregistered(appeal, problem_author, organization, people, now)
        return
    registered_on = (sent_at + datetime.timedelta(days=1)).date()
    services.register_appeal(
        official=official,
        appeal=appeal,
        registration_number=f"КО-{1000 + appeal.pk}/26",
        registered_on=registered_on,
    )
    registered_at = timezone.make_aware(datetime.datetime.combine(registered_on, datetime.time(10)))
    Appeal.objects.filter(pk=appeal.pk).update(registered_at=registered_at)
    if state == "overdue":
        services.answer_appeal(
            official=official,
            appeal=appeal,
            kind=Answer.Kind.INTERIM,
            text="Обращение передано в управляющую компанию для обследования "
            "подвала. О результатах сообщим дополнительно.",
        )
        _take_under_control(appeal, organization, now - datetime.timedelta(days=5))
        message = services.message_signatories(
            official=official, appeal=appeal, text=BASEMENT_MESSAGE, public=True
        )
        Message.objects.filter(pk=message.pk).update(created_at=now - datetime.timedelta(days=2))
        return
    services.answer_appeal(
        official=official, appeal=appeal, kind=Answer.Kind.FINAL, text=ANSWERS[key]
    )
    answered = now - datetime.timedelta(days=3 if state == "rating" else 20)
    appeal.refresh_from_db()
    Appeal.objects.filter(pk=appeal.pk).update(
        answered_at=answered,
        rating_until=answered + datetime.timedelta(days=14),
        answered_on_time=timezone.localdate(answered) <= appeal.due_date,
    )
    Answer.objects.filter(appeal=appeal).update(created_at=answered)
    appeal.refresh_from_db()
    scores = {"rating": [5, 4, 4, 3, 5, 4], "solved": [5, 5, 4, 5], "escalated": [1, 2, 1, 2]}
    for person, score in zip(people[1:], scores[state], strict=False):
        Rating.objects.create(appeal=appeal, user=person, score=score)
    if state == "rating":
        return
    outcome = Problem.Status.SOLVED if state == "solved" else Problem.Status.UNSOLVED
    services.close_appeal(author=problem_author, appeal=appeal, outcome=outcome)
    if state == "escalated":
        new = services.escalate_appeal(
            author=problem_author, appeal=appeal, organization=organization.parent
        )
        for person in people[1:12]:
            services.sign_appeal(user=person, appeal=new)


def _escalate_unregistered(appeal, author, organization, people, now) -> None:
    """The addressee never registered the appeal; once the registration days had passed the
    author took the problem to the organization above, where neighbours sign it anew."""
    escalated_on = now - datetime.timedelta(days=25)
    new = services.escalate_appeal(author=author, appeal=appeal, organization=organization.parent)
    Appeal.objects.filter(pk=appeal.pk).update(escalated_at=escalated_on)
    Appeal.objects.filter(pk=new.pk).update(created_at=escalated_on)
    Revision.objects.filter(appeal=new).update(created_at=escalated_on)
    for person in people[1:18]:
        services.sign_appeal(user=person, appeal=new)
    Signature.objects.filter(appeal=new).update(
        created_at=escalated_on + datetime.timedelta(days=1)
    )


def _take_under_control(appeal, organization, when) -> None:
    """The head of the addressee takes its overdue appeal under control (`head@` of the demo)."""
    head = (
        Membership.objects.filter(organization=organization, role=Membership.Role.HEAD)
        .select_related("user")
        .first()
    )
    if head is None:
        return
    services.set_under_control(head=head.user, appeal=appeal, under_control=True)
    ControlPeriod.objects.filter(appeal=appeal).update(taken_at=when)
