"""The rating of organizations (/organizations/rating/): found from every page, it ranks every
organization answering on the chosen territory and inside it (and no other), puts those with
nothing to judge apart, and reads a fixed number of queries however many organizations there are."""

import datetime
import re

import pytest
from django.utils import timezone

from tests.factories import (
    make_category,
    make_organization,
    make_problem,
    make_resident,
    make_territory,
)
from veche.appeals.models import Appeal, Rating, Responsibility
from veche.appeals.ratings import league, scores
from veche.territories.models import Territory

pytestmark = pytest.mark.django_db

MAIN_NAV = re.compile(r'<nav class="main-nav"[^>]*>(.*?)</nav>', re.S)


@pytest.fixture
def city():
    """A city of two districts, each with its administration, and a town elsewhere."""
    region = make_territory("ru-ta", kind=Territory.Kind.REGION, en="Tatarstan")
    kazan = make_territory("kazan", parent=region, kind=Territory.Kind.CITY, en="Kazan")
    sovetsky = make_territory("kazan-sovetsky", parent=kazan, en="Sovetsky District")
    kirovsky = make_territory("kazan-kirovsky", parent=kazan, en="Kirovsky District")
    town = make_territory("zelenodolsk", parent=region, kind=Territory.Kind.CITY, en="Zelenodolsk")
    return {
        "kazan": kazan,
        "sovetsky": sovetsky,
        "kirovsky": kirovsky,
        "town": town,
        "city_hall": make_organization("city-hall", jurisdiction=[kazan], en="City Hall"),
        "sovetsky_office": make_organization(
            "sovetsky-office", jurisdiction=[sovetsky], en="Sovetsky Administration"
        ),
        "kirovsky_office": make_organization(
            "kirovsky-office", jurisdiction=[kirovsky], en="Kirovsky Administration"
        ),
        "town_hall": make_organization("town-hall", jurisdiction=[town], en="Town Hall"),
    }


def answered(organization, territory, *, days: int, on_time: bool = True, scores=()):
    """An appeal the organization answered `days` after it was sent, rated with `scores`."""
    appeal = make_problem(territory=territory, organization=organization).current_appeal
    sent = timezone.now() - datetime.timedelta(days=days + 10)
    Appeal.objects.filter(pk=appeal.pk).update(
        status=Appeal.Status.ANSWERED,
        sent_at=sent,
        answered_at=sent + datetime.timedelta(days=days),
        answered_on_time=on_time,
    )
    for score in scores:
        Rating.objects.create(appeal=appeal, user=make_resident(territory), score=score)
    return appeal


def overdue(organization, territory):
    appeal = make_problem(territory=territory, organization=organization).current_appeal
    Appeal.objects.filter(pk=appeal.pk).update(
        status=Appeal.Status.REGISTERED,
        sent_at=timezone.now() - datetime.timedelta(days=60),
        due_date=timezone.localdate() - datetime.timedelta(days=20),
    )
    return appeal


def names(rows) -> set[str]:
    return {row.organization.slug for row in rows}


def everyone(result) -> set[str]:
    return names(result.ranked) | names(result.unjudged)


# --- Who is on the table -----------------------------------------------------------------------


def test_the_citys_table_lists_its_districts_organizations_and_not_the_other_towns(city):
    assert everyone(league(city["kazan"])) == {"city-hall", "sovetsky-office", "kirovsky-office"}


def test_a_districts_table_lists_who_answers_there_and_not_the_neighbouring_district(city):
    # The city hall answers for the whole city, its districts included.
    assert everyone(league(city["sovetsky"])) == {"city-hall", "sovetsky-office"}


def test_the_regions_table_lists_every_city_and_district_below_it(city):
    assert everyone(league(city["kazan"].parent)) == {
        "city-hall",
        "sovetsky-office",
        "kirovsky-office",
        "town-hall",
    }


def test_an_organization_answering_by_a_declared_responsibility_is_on_the_table(city):
    water = make_organization("vodokanal", en="Vodokanal")  # no jurisdiction of its own
    Responsibility.objects.create(
        organization=water, category=make_category("water"), territory=city["sovetsky"]
    )
    assert "vodokanal" in everyone(league(city["kazan"]))
    assert "vodokanal" in everyone(league(city["sovetsky"]))
    assert "vodokanal" not in everyone(league(city["kirovsky"]))


def test_an_inactive_organization_is_not_on_the_table(city):
    city["kirovsky_office"].is_active = False
    city["kirovsky_office"].save()
    assert "kirovsky-office" not in everyone(league(city["kazan"]))


# --- What the table says ---------------------------------------------------------------------


def test_organizations_with_nothing_to_judge_are_listed_apart_not_ranked(city):
    answered(city["sovetsky_office"], city["sovetsky"], days=10, scores=[4])
    result = league(city["kazan"])
    assert names(result.ranked) == {"sovetsky-office"}
    assert names(result.unjudged) == {"city-hall", "kirovsky-office"}


def test_appeals_left_overdue_count_against_the_deadlines_kept(city):
    """An organization that keeps silent does not keep the neutral score of one with no data."""
    answered(city["sovetsky_office"], city["sovetsky"], days=10, scores=[4])
    overdue(city["kirovsky_office"], city["kirovsky"])
    overdue(city["kirovsky_office"], city["kirovsky"])
    ranked = league(city["kazan"]).ranked
    assert [row.organization.slug for row in ranked] == ["sovetsky-office", "kirovsky-office"]
    silent = ranked[1]
    assert (silent.deadlines, silent.on_time, silent.on_time_share) == (2, 0, 0.0)
    [no_data] = scores([city["city_hall"]])
    assert silent.score < no_data.score


def test_the_table_shows_how_fast_each_organization_answers(city):
    answered(city["sovetsky_office"], city["sovetsky"], days=4)
    answered(city["sovetsky_office"], city["sovetsky"], days=8)
    answered(city["kirovsky_office"], city["kirovsky"], days=29, on_time=True)
    rows = {row.organization.slug: row for row in league(city["kazan"]).ranked}
    assert rows["sovetsky-office"].answer_days == 6
    assert rows["kirovsky-office"].answer_days == 29


def test_the_page_ranks_with_places_and_links_each_row_to_its_organization(client, city):
    answered(city["sovetsky_office"], city["sovetsky"], days=5, scores=[5, 5, 4])
    answered(city["kirovsky_office"], city["kirovsky"], days=35, on_time=False, scores=[1, 2])
    html = client.get(
        "/organizations/rating/?territory=kazan", HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "<caption>Organizations answering in Kazan</caption>" in html
    first = html.index('id="organization-sovetsky-office"')
    second = html.index('id="organization-kirovsky-office"')
    assert first < second
    assert "5 days" in html and "35 days" in html
    assert "Not rated yet" in html and "City Hall" in html  # unranked, below the table
    assert html.index("Not rated yet") > second
    assert "How the score is made" in html


def test_the_page_speaks_russian(client, city):
    answered(city["sovetsky_office"], city["sovetsky"], days=5, scores=[5])
    html = client.get("/organizations/rating/?territory=kazan", HTTP_ACCEPT_LANGUAGE="ru")
    text = html.content.decode()
    for phrase in ("Рейтинг организаций", "Соблюдение сроков", "Как считается балл", "5 дней"):
        assert phrase in text


def test_the_league_reads_a_fixed_number_of_queries_however_many_organizations(
    client, city, django_assert_max_num_queries
):
    for number in range(30):
        office = make_organization(jurisdiction=[city["sovetsky"]], en=f"Office {number}")
        if number % 3 == 0:
            answered(office, city["sovetsky"], days=number + 1, scores=[1 + number % 5])
        elif number % 3 == 1:
            overdue(office, city["sovetsky"])
    # The territory, the picker's territories, the organizations, the city's mean rating, the
    # ratings and the appeals of all of them, the header's picker and the session: none per row.
    with django_assert_max_num_queries(9):
        html = client.get(
            "/organizations/rating/?territory=kazan", HTTP_ACCEPT_LANGUAGE="en"
        ).content.decode()
    assert html.count('id="organization-') == 33


# --- Finding it --------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/", "/problems/", "/organizations/"])
def test_the_main_navigation_leads_to_the_rating(client, path):
    nav = MAIN_NAV.search(client.get(path, HTTP_ACCEPT_LANGUAGE="en").content.decode()).group(1)
    assert '<a href="/organizations/rating/" >Rating</a>' in nav


def test_the_rating_is_marked_current_in_the_navigation(client, city):
    html = client.get("/organizations/rating/", HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    nav = MAIN_NAV.search(html).group(1)
    assert '<a href="/organizations/rating/" aria-current="page">Рейтинг</a>' in nav
    assert '<a href="/organizations/" >Организации</a>' in nav


def test_every_organization_page_links_to_its_row_in_the_rating(client, city):
    for slug, code in (("city-hall", "kazan"), ("sovetsky-office", "kazan-sovetsky")):
        html = client.get(f"/organizations/{slug}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert f'href="/organizations/rating/?territory={code}#organization-{slug}"' in html
        page = client.get(f"/organizations/rating/?territory={code}").content.decode()
        assert f'id="organization-{slug}"' in page
