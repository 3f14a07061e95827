"""'Who answers X in Y': the operators' preview tells the same organization the problem form
proposes, and why — every declaration and jurisdiction on the way up the territory tree."""

import pytest

from tests.factories import make_category, make_organization, make_territory
from tests.sign_in import enter
from veche.appeals.models import Responsibility
from veche.appeals.routing import explain, route
from veche.appeals.tests.operator_cast import make_operator
from veche.territories.models import Territory

pytestmark = pytest.mark.django_db

PREVIEW = "/admin/appeals/responsibility/who-answers/"


@pytest.fixture
def city():
    kazan = make_territory("kazan", kind=Territory.Kind.CITY, en="Kazan")
    sovetsky = make_territory("kazan-sovetsky", parent=kazan, en="Sovetsky District")
    yard = make_territory("azino", parent=sovetsky, kind=Territory.Kind.NEIGHBOURHOOD, en="Azino")
    city_hall = make_organization("city-hall", jurisdiction=[kazan], en="City Hall")
    return {
        "kazan": kazan,
        "sovetsky": sovetsky,
        "yard": yard,
        "city_hall": city_hall,
        "office": make_organization(
            "sovetsky-office", parent=city_hall, jurisdiction=[sovetsky], en="Sovetsky Office"
        ),
        "water": make_organization("vodokanal", parent=city_hall, en="Vodokanal"),
    }


def test_a_declared_responsibility_wins_over_a_deeper_jurisdiction(city):
    water = make_category("water")
    Responsibility.objects.create(
        organization=city["water"], category=water, territory=city["kazan"]
    )
    found = explain(water, city["yard"])
    assert (found.organization, found.reason, found.territory) == (
        city["water"],
        "responsibility",
        city["kazan"],
    )
    assert [step.territory.code for step in found.steps] == ["azino", "kazan-sovetsky", "kazan"]
    assert found.steps[1].jurisdiction == [city["office"]]
    assert route(water, city["yard"]) == city["water"]


def test_without_a_declaration_the_deepest_jurisdiction_answers(city):
    found = explain(make_category("yards"), city["yard"])
    assert (found.organization, found.reason, found.territory) == (
        city["office"],
        "jurisdiction",
        city["sovetsky"],
    )


def test_nobody_answers_where_nobody_declared_or_has_jurisdiction():
    found = explain(make_category("yards"), make_territory(en="Nowhere"))
    assert (found.organization, found.reason) == (None, "")


def test_the_preview_page_names_the_organization_and_the_reason(client, city):
    roads = make_category("roads")
    Responsibility.objects.create(
        organization=city["office"], category=roads, territory=city["sovetsky"]
    )
    enter(client, make_operator("view_responsibility", "add_responsibility"))
    html = client.get(
        PREVIEW, {"category": "roads", "territory": "azino"}, HTTP_ACCEPT_LANGUAGE="en"
    ).text
    assert "Answers: Sovetsky Office" in html
    assert "It declared the responsibility for “Roads” on Sovetsky District" in html
    assert "<strong>Sovetsky Office ✔</strong>" in html
    add = f"/admin/appeals/responsibility/add/?category={roads.pk}&amp;territory={city['yard'].pk}"
    assert add in html  # declare one deeper, from the preview


def test_the_preview_explains_the_fallback_in_russian(client, city):
    make_category("yards")
    enter(client, make_operator("view_responsibility"))
    html = client.get(
        PREVIEW, {"category": "yards", "territory": "azino"}, HTTP_ACCEPT_LANGUAGE="ru"
    ).text
    assert "Отвечает: Организация" in html
    assert "имеет полномочия" in html
    assert "Объявить ответственность здесь" not in html  # it may only look


def test_the_preview_is_linked_from_the_responsibilities_and_refuses_forged_choices(client, city):
    enter(client, make_operator("view_responsibility"))
    listing = client.get("/admin/appeals/responsibility/", HTTP_ACCEPT_LANGUAGE="en").text
    assert f'href="{PREVIEW}"' in listing
    for forged in ({"category": "nope", "territory": "azino"}, {"category": "x" * 10_000}):
        response = client.get(PREVIEW, forged)
        assert response.status_code == 200
        assert "Answers:" not in response.text
