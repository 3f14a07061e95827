"""Public territory pages."""

import re

import pytest
from django.test import Client
from django.utils import translation

from tests.factories import make_organization, make_problem, make_territory
from tests.pages import assert_in_order
from veche.territories.models import Territory

pytestmark = pytest.mark.django_db


@pytest.fixture
def city():
    return make_territory("kazan", kind=Territory.Kind.CITY, ru="Казань", en="Kazan")


def test_district_page_names_its_place_and_who_answers(client, city):
    district = make_territory(
        "kazan-sovetsky", parent=city, ru="Советский район", en="Sovetsky District"
    )
    city_hall = make_organization(jurisdiction=[city], en="City Hall")
    district_office = make_organization(jurisdiction=[district], en="Sovetsky Administration")
    make_organization(jurisdiction=[make_territory(parent=city)], en="Neighbour Office")
    response = client.get("/territories/kazan-sovetsky/", HTTP_ACCEPT_LANGUAGE="en")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Sovetsky District</h1>" in html
    assert city_hall.get_absolute_url() in html  # the city's organizations answer here too
    assert district_office.get_absolute_url() in html
    assert "Neighbour Office" not in html


def test_territory_page_speaks_russian_by_default(client, city):
    html = client.get("/territories/kazan/").content.decode()
    assert "<h1>Казань</h1>" in html
    assert '<html lang="ru">' in html


def test_empty_territory_shows_helpful_empty_states(client, city):
    html = client.get("/territories/kazan/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "No problems here yet" in html
    assert "No discussions here yet" in html


def test_unknown_territory_is_404(client):
    assert client.get("/territories/atlantis/").status_code == 404


def test_territory_list_query_count_does_not_grow_with_territories(
    client, city, django_assert_max_num_queries
):
    for _ in range(30):
        make_territory(parent=city)
    with django_assert_max_num_queries(6):
        assert client.get("/territories/").status_code == 200


def test_choosing_a_territory_remembers_it_and_opens_its_page(client, city):
    district = make_territory("kazan-vakhitovsky", parent=city)
    response = client.post("/territory/choose/", {"territory": district.code})
    assert response.status_code == 302
    assert response["Location"] == "/territories/kazan-vakhitovsky/"
    home = client.get("/").content.decode()
    assert 'value="kazan-vakhitovsky" selected' in home


def test_choosing_an_unknown_territory_changes_nothing(client, city):
    assert client.post("/territory/choose/", {"territory": "atlantis"}).status_code == 404
    assert "veche_territory" not in client.session


def test_choosing_a_territory_requires_post(client, city):
    assert client.get("/territory/choose/?territory=kazan").status_code == 405


def test_territory_page_shows_the_apps_sections_in_their_places(client, city):
    district = make_territory("kazan-sovetsky", parent=city, en="Sovetsky District")
    make_problem(territory=district, title="Broken swings in the yard")
    make_organization(jurisdiction=[city], en="City Hall")
    html = client.get("/territories/kazan/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    in_order = [
        '<h2 id="problems-title">Problems & appeals</h2>',
        "Broken swings in the yard",
        '<a href="/problems/?territory=kazan">',
        '<h2 id="discussions-title">Public discussions</h2>',
        '<h2 id="children-title">Inside this territory</h2>',
        district.get_absolute_url(),
        '<h2 id="organizations-title">Who answers here</h2>',
        "City Hall",
    ]
    assert_in_order(html, in_order)


def test_territory_page_query_count_does_not_grow_with_problems_and_organizations(
    client, city, django_assert_max_num_queries
):
    for _ in range(10):
        make_territory(parent=city)
    organization = make_organization(jurisdiction=[city])
    for number in range(10):
        make_organization(jurisdiction=[city])
        make_problem(territory=city, organization=organization, title=f"Problem {number}")
    # The territory, its ancestors and the places inside, the problems, who answers, the
    # header's picker, the identity providers' origins and the sites that may embed it (both
    # read once into the cache): none of them once per row.
    with django_assert_max_num_queries(9):
        html = client.get("/territories/kazan/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert len(re.findall(r'href="/problems/\d+/"', html)) == 8


def test_the_header_s_picker_is_read_once_and_shows_a_change_at_once(
    client, city, django_assert_num_queries
):
    client.get("/", HTTP_ACCEPT_LANGUAGE="en")  # the options are kept
    from veche.territories import picker

    with translation.override("en"), django_assert_num_queries(0):
        kept = picker.options("")
    assert '<option value="kazan">Kazan</option>' in kept
    city.name = {"ru": "Казань", "en": "Kazan City"}
    city.save()
    make_territory("innopolis", kind=Territory.Kind.CITY, en="Innopolis")
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert ">Kazan City</option>" in html and ">Innopolis</option>" in html
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert ">Казань</option>" in html  # each language its own options


def test_the_picker_marks_the_visitor_s_choice_and_only_it(client, city):
    make_territory("kazan-vakhitovsky", parent=city, en="Vakhitovsky District")
    make_territory("kazan-vakhitovsky-2", parent=city, en="Another District")
    english = {"HTTP_ACCEPT_LANGUAGE": "en"}
    assert "selected" not in client.get("/", **english).content.decode().split("<select")[1]
    response = client.post("/territory/choose/", {"territory": "kazan-vakhitovsky"}, **english)
    assert response.status_code == 302
    picker = client.get("/", **english).content.decode().split('id="territory-picker"')[1]
    picker = picker.split("</select>")[0]
    assert picker.count("selected") == 1
    assert '<option value="kazan-vakhitovsky" selected>' in picker
    # Every other visitor's options stay as kept: the mark is made on each one's copy.
    other = Client(HTTP_ACCEPT_LANGUAGE="en").get("/").content.decode()
    assert '<option value="kazan-vakhitovsky">' in other and " selected>" not in other
