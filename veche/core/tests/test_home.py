"""The home page: core's welcome, then what territories, organizations, appeals and discussions
registered for it, each in its place, in a fixed number of queries."""

import pytest

from tests.factories import make_discussion, make_organization, make_problem, make_territory
from tests.pages import assert_in_order
from veche.territories.models import Territory

pytestmark = pytest.mark.django_db


@pytest.fixture
def kazan():
    return make_territory("kazan", kind=Territory.Kind.CITY, en="Kazan")


@pytest.fixture
def district(kazan):
    return make_territory("kazan-vakhitovsky", parent=kazan, en="Vakhitovsky District")


def home(client) -> str:
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    return response.content.decode()


def choose(client, territory):
    assert client.post("/territory/choose/", {"territory": territory.code}).status_code == 302


def test_each_app_shows_its_section_in_its_place(client, kazan, district):
    make_problem(territory=district, title="Broken swings in the yard")
    make_discussion(territory=district, title="A square on Bauman Street")
    html = home(client)
    in_order = [
        '<p class="eyebrow">Kazan</p>',  # the only city, until the visitor picks a place
        "<h1>Decide the future of your city together</h1>",
        "<strong>2</strong> <span>territories</span>",
        "<strong>2</strong> <span>organizations answer here</span>",
        "Broken swings in the yard",
        "A square on Bauman Street",
        "Inside Kazan",
        district.get_absolute_url(),
    ]
    assert_in_order(html, in_order)
    # The discussions' cards bring their style sheet.
    assert '<link rel="stylesheet" href="/static/discussions/discussions.css">' in html


def test_a_chosen_territory_shows_its_own_problems_and_places(client, kazan, district):
    inside = make_territory(parent=district, en="Kremlin Quarter")
    make_problem(territory=district, title="Broken swings in the yard")
    make_problem(territory=make_territory(parent=kazan), title="A dark underpass elsewhere")
    choose(client, district)
    html = home(client)
    assert '<p class="eyebrow">Vakhitovsky District</p>' in html
    assert "Broken swings in the yard" in html
    assert "A dark underpass elsewhere" not in html
    assert "Inside Vakhitovsky District" in html
    assert inside.get_absolute_url() in html


def test_without_a_place_the_welcome_speaks_of_your_city_and_lists_the_cities(client):
    make_territory("kazan", kind=Territory.Kind.CITY, en="Kazan")
    make_territory("chelny", kind=Territory.Kind.CITY, en="Naberezhnye Chelny")
    html = home(client)
    assert '<p class="eyebrow">Your city</p>' in html
    assert '<h2 id="places-title">Cities</h2>' in html
    assert "Naberezhnye Chelny" in html


def test_an_empty_site_shows_helpful_empty_states(client):
    html = home(client)
    assert "No problems published yet" in html
    assert "No discussions announced yet" in html
    assert "No territories yet" in html


@pytest.mark.parametrize("chosen", [False, True], ids=["anyone", "territory-chosen"])
def test_home_query_count_does_not_grow_with_problems_and_discussions(
    client, kazan, district, chosen, django_assert_max_num_queries
):
    organization = make_organization(jurisdiction=[kazan])
    for number in range(8):
        make_problem(territory=district, organization=organization, title=f"Problem {number}")
    for _ in range(5):
        make_discussion(territory=district, organizer=organization)
    for _ in range(10):
        make_territory(parent=district)
    if chosen:
        choose(client, district)
    # The place (the session and the chosen territory, or else the cities) and the places in
    # it, two counts, the problems, the discussions, the header's picker, the identity
    # providers' origins (for the Content-Security-Policy): none of them once per row.
    with django_assert_max_num_queries(10 if chosen else 9):
        html = home(client)
    assert html.count('<li class="discussion-card">') == 4
