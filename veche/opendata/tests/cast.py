"""One small city for the open-data tests: a city with a district, problems in each (one hidden
by a moderator, one a draft), appeals answered with public and non-public answers and a rating,
discussions (one running with submissions, one hidden, one whose notice is still to come), and
residents whose names, e-mails, birth dates and addresses must never reach a dump or a feed."""

import datetime
from dataclasses import dataclass, field

from django.utils import timezone

from tests.factories import (
    make_appeal,
    make_category,
    make_discussion,
    make_organization,
    make_resident,
    make_signature,
    make_staff,
    make_territory,
    set_fields,
)
from veche.accounts.models import User
from veche.appeals.models import Answer, Appeal, Problem, Rating
from veche.discussions import services as discussion_services
from veche.territories.models import Territory

# What a resident is, in strings no dataset or feed may hold.
PEOPLE = [
    {
        "first_name": "Аглая",
        "last_name": "Зюзюкина",
        "patronymic": "Феоктистовна",
        "email": "aglaya.zyuzyukina@example.org",
        "birthdate": datetime.date(1967, 3, 29),
        "address": "420999, Казань, ул. Небывалая, д. 77, кв. 13",
        # She agreed to have her name shown on the site: it still stays out of the dumps.
        "name_publication": User.NamePublication.FULL,
    },
    {
        "first_name": "Евлампий",
        "last_name": "Прохорчуков",
        "patronymic": "Ксенофонтович",
        "email": "evlampiy.prokhorchukov@example.org",
        "birthdate": datetime.date(1971, 11, 8),
        "address": "420998, Казань, пер. Невидимый, д. 3",
        "name_publication": User.NamePublication.NONE,
    },
]


def forbidden_strings() -> list[str]:
    strings = []
    for person in PEOPLE:
        born = person["birthdate"]
        strings += [
            person["first_name"],
            person["last_name"],
            person["patronymic"],
            person["email"],
            person["address"],
            born.isoformat(),
            born.strftime("%d.%m.%Y"),
        ]
    return strings


@dataclass
class City:
    city: Territory
    district: Territory
    other: Territory
    residents: list = field(default_factory=list)
    problems: dict = field(default_factory=dict)
    answers: dict = field(default_factory=dict)
    discussions: dict = field(default_factory=dict)
    submissions: dict = field(default_factory=dict)


def _resident(territory, person):
    user = make_resident(
        territory,
        birthdate=person["birthdate"],
        email=person["email"],
        first_name=person["first_name"],
        last_name=person["last_name"],
        patronymic=person["patronymic"],
    )
    User.objects.filter(pk=user.pk).update(name_publication=person["name_publication"])
    user.refresh_from_db()
    return user


def _answer(appeal, official, kind, text):
    return Answer.objects.create(
        appeal=appeal, organization=appeal.organization, official=official, kind=kind, text=text
    )


def build_city() -> City:
    city = make_territory("kazan", kind=Territory.Kind.CITY, en="Kazan", ru="Казань")
    district = make_territory("vakhitovsky", parent=city, en="Vakhitovsky", ru="Вахитовский")
    other = make_territory("sovetsky", parent=city, en="Sovetsky", ru="Советский")
    cast = City(city=city, district=district, other=other)
    cast.residents = [_resident(district, person) for person in PEOPLE]
    lamps = make_category("lighting")
    hall = make_organization("city-hall", jurisdiction=[city], en="City Hall")
    official = make_staff(hall, first_name="Офелия", last_name="Чиновникова")
    now = timezone.now()
    author = cast.residents[0]

    answered = make_appeal(
        author=author, organization=hall, territory=district, title="Dark alley in the district",
        status=Appeal.Status.ANSWERED, sent_at=now - datetime.timedelta(days=20),
        due_date=timezone.localdate() + datetime.timedelta(days=10),
        answered_at=now - datetime.timedelta(days=2), answered_on_time=True,
        started=now - datetime.timedelta(days=30),
    )  # fmt: skip
    for person in cast.residents:
        make_signature(answered, person, postal_address=PEOPLE[0]["address"])
    Rating.objects.create(appeal=answered, user=cast.residents[1], score=4)
    cast.answers["interim"] = _answer(answered, official, Answer.Kind.INTERIM, "We are looking.")
    cast.answers["final"] = _answer(answered, official, Answer.Kind.FINAL, "The lamps are fixed.")
    cast.answers["extension"] = _answer(
        answered, official, Answer.Kind.EXTENSION, "Extension answer text."
    )
    cast.problems["district"] = answered.problem

    cast.problems["city"] = make_appeal(
        author=author, organization=hall, territory=city, title="Potholes on the ring road"
    ).problem
    cast.problems["other"] = make_appeal(
        author=cast.residents[1], organization=hall, territory=other, title="Broken Sovetsky bench"
    ).problem
    hidden = make_appeal(author=author, organization=hall, territory=district, title="Hidden one")
    set_fields(hidden.problem, hidden_at=now, hidden_reason="insults")
    hidden_answer = _answer(hidden, official, Answer.Kind.FINAL, "Answer to a hidden problem.")
    cast.problems["hidden"], cast.answers["hidden"] = hidden.problem, hidden_answer
    draft = make_appeal(author=author, organization=hall, territory=district, title="A draft one")
    cast.problems["draft"] = set_fields(draft.problem, status=Problem.Status.DRAFT)
    set_fields(cast.problems["district"], category=lamps)

    running = make_discussion(territory=district, organizer=hall, title="Square on Baumana")
    cast.discussions["running"] = running
    for number, person in enumerate(cast.residents):
        cast.submissions[number] = discussion_services.submit(
            user=person, discussion=running, kind="proposal", text=f"Plant lime trees, №{number}"
        )
    set_fields(cast.submissions[1], hidden_at=now, hidden_reason="personal data")
    cast.discussions["other"] = make_discussion(
        territory=other, organizer=hall, title="Embankment in Sovetsky"
    )
    cast.discussions["scheduled"] = make_discussion(
        stage="scheduled", territory=district, organizer=hall, title="Not announced yet"
    )
    return cast
