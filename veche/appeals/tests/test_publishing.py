"""Publishing a problem: screening, routing to the addressee and similar problems."""

import pytest
from django.utils import translation

from tests.factories import (
    APPEAL_TEXT,
    make_category,
    make_organization,
    make_problem,
    make_resident,
    make_territory,
)
from veche.appeals.models import Problem, Responsibility
from veche.appeals.routing import route
from veche.appeals.search import similar_problems
from veche.appeals.services import ScreeningFailed, publish_problem
from veche.territories.models import Territory

pytestmark = pytest.mark.django_db


@pytest.fixture
def city():
    return make_territory("kazan", kind=Territory.Kind.CITY)


def publish(author, territory, organization, *, text=APPEAL_TEXT, title="Нет освещения"):
    return publish_problem(
        author=author,
        title=title,
        description="Темно вечером.",
        category=make_category(),
        territory=territory,
        organization=organization,
        appeal_text=text,
    )


@pytest.mark.parametrize("word", ["сука", "xуй", "ПИЗДец"])
def test_obscene_words_block_publishing(city, word):
    with translation.override("en"), pytest.raises(ScreeningFailed) as failure:
        publish(make_resident(city), city, make_organization(), text=f"{APPEAL_TEXT} {word}!")
    assert [f.code for f in failure.value.findings] == ["obscene"]
    assert not Problem.objects.exists()


def test_threats_block_publishing(city):
    with pytest.raises(ScreeningFailed) as failure:
        publish(
            make_resident(city),
            city,
            make_organization(),
            text=APPEAL_TEXT + " Если не сделаете, сожгу вашу машину.",
        )
    assert [f.code for f in failure.value.findings] == ["threat"]


def test_an_author_without_a_surname_is_told_to_add_it(city):
    author = make_resident(city, last_name="")
    with translation.override("en"), pytest.raises(ScreeningFailed) as failure:
        publish(author, city, make_organization())
    assert "surname" in failure.value.messages[0]


def test_ordinary_words_that_contain_stems_are_not_flagged(city):
    problem = publish(
        make_resident(city),
        city,
        make_organization(),
        text=APPEAL_TEXT + " Просим застраховать детскую площадку и сукно сменить.",
    )
    assert problem.status == Problem.Status.PUBLISHED


def test_routing_prefers_the_deepest_declared_responsibility(city):
    district = make_territory("kazan-sovetsky", parent=city)
    yard = make_territory("azino", parent=district)
    roads = make_category("roads")
    city_roads = make_organization("city-roads")
    district_office = make_organization("sovetsky-office")
    Responsibility.objects.create(organization=city_roads, category=roads, territory=city)
    Responsibility.objects.create(organization=district_office, category=roads, territory=district)
    assert route(roads, yard) == district_office
    assert route(roads, city) == city_roads


def test_routing_falls_back_to_jurisdiction(city):
    district = make_territory("kazan-sovetsky", parent=city)
    city_hall = make_organization("city-hall", jurisdiction=[city])
    make_organization("committee", parent=city_hall, jurisdiction=[city])
    district_office = make_organization("district", parent=city_hall, jurisdiction=[district])
    assert route(make_category("yards"), district) == district_office
    assert route(make_category("yards"), city) == city_hall


def test_similar_problems_are_found_before_publishing(city):
    make_problem(territory=city, title="Яма на дороге у школы № 5")
    make_problem(territory=city, title="Не работает фонтан в парке")
    found = similar_problems("Огромная яма на дороге возле школы", territory=city)
    assert [p.title for p in found] == ["Яма на дороге у школы № 5"]


def test_similar_problems_ignore_other_cities(city):
    make_problem(
        territory=make_territory("chelny", kind=Territory.Kind.CITY), title="Яма на дороге у школы"
    )
    assert similar_problems("Яма на дороге", territory=city) == []
