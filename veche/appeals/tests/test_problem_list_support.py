"""The problem list sorted by support, and resonant problems marked, without JavaScript and in a
fixed number of queries."""

import pytest

from tests.factories import make_appeal, make_territory
from veche.appeals.models import Appeal

pytestmark = pytest.mark.django_db


@pytest.fixture
def district():
    return make_territory("kazan-vakhitovsky", en="Vakhitovsky District")


def problem(district, title, count, status=Appeal.Status.COLLECTING):
    return make_appeal(
        territory=district, title=title, signature_count=count, status=status
    ).problem


def titles_in_order(html, *titles):
    return sorted(titles, key=html.index)


def test_the_list_sorts_by_support_when_asked(client, district):
    problem(district, "Мало подписей", 3)
    problem(district, "Много подписей", 900, status=Appeal.Status.SENT)
    problem(district, "Средне подписей", 40)
    html = client.get("/problems/?sort=support").content.decode()
    assert titles_in_order(html, "Мало подписей", "Много подписей", "Средне подписей") == [
        "Много подписей",
        "Средне подписей",
        "Мало подписей",
    ]


def test_the_list_stays_newest_first_by_default(client, district):
    problem(district, "Старая с подписями", 900)
    problem(district, "Новая без подписей", 1)
    html = client.get("/problems/").content.decode()
    assert html.index("Новая без подписей") < html.index("Старая с подписями")


def test_sorting_by_support_keeps_the_search(client, district):
    problem(district, "Яма на дороге у школы", 5)
    problem(district, "Нет света в подъезде", 900)
    html = client.get("/problems/?sort=support&q=яма").content.decode()
    assert "Яма на дороге" in html and "Нет света" not in html


def test_the_order_is_a_plain_form_field(client, district):
    problem(district, "Проблема", 1)
    html = client.get("/problems/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<select name="sort" id="id_sort">' in html
    assert '<option value="support">Most signatures first</option>' in html


def test_an_unknown_order_is_the_default(client, district):
    problem(district, "Проблема", 1)
    assert client.get("/problems/?sort=nonsense").status_code == 200


def test_the_sorted_list_keeps_a_fixed_number_of_queries(
    client, district, django_assert_max_num_queries
):
    for number in range(25):
        problem(district, f"Проблема номер {number}", number)
    with django_assert_max_num_queries(8):
        response = client.get("/problems/?sort=support")
    assert response.content.decode().count('class="problem-card"') == 20


def test_a_resonant_problem_carries_a_badge_screen_readers_announce(client, district, settings):
    settings.VECHE_RESONANT_SUPPORT = 100
    problem(district, "Резонансная проблема", 150, status=Appeal.Status.SENT)
    problem(district, "Тихая проблема", 99)
    html = client.get("/problems/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert html.count("badge--resonant") == 1
    assert '<span aria-hidden="true">★ </span>Resonant' in html
    assert '<span class="visually-hidden">: supported by 150 residents</span>' in html


def test_the_resonant_badge_is_in_russian_too(client, district, settings):
    settings.VECHE_RESONANT_SUPPORT = 100
    problem(district, "Резонансная проблема", 150, status=Appeal.Status.SENT)
    html = client.get("/problems/", HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert "Резонансная<span" in html
    assert "поддерживают 150 жителей" in html


def test_the_api_sorts_problems_by_support(client, district):
    problem(district, "Мало подписей", 3)
    problem(district, "Много подписей", 900, status=Appeal.Status.SENT)
    response = client.get("/api/v1/problems/", {"sort": "support"})
    assert response.status_code == 200
    titles = [item["title"] for item in response.json()["results"]]
    assert titles == ["Много подписей", "Мало подписей"]
