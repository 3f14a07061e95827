"""Public territory pages."""

import pytest

from tests.factories import make_organization, make_territory
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
