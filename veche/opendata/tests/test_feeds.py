"""The Atom feeds of new problems, answers and discussions: valid Atom, filtered by territory
(with the places inside it), category and organization, and showing only what is public."""

import pytest

from veche.opendata.tests.atom import entries, titles

pytestmark = pytest.mark.django_db


def test_the_problems_feed_is_atom_with_every_public_problem(client, city):
    found = titles(client.get("/feeds/problems/"))
    assert found == {
        "Dark alley in the district",
        "Potholes on the ring road",
        "Broken Sovetsky bench",
    }


def test_the_problems_feed_leaves_out_hidden_problems_and_drafts(client, city):
    found = titles(client.get("/feeds/problems/"))
    assert "Hidden one" not in found
    assert "A draft one" not in found


def test_a_territory_by_code_takes_the_places_inside_it(client, city):
    assert titles(client.get("/feeds/problems/?territory=kazan")) == titles(
        client.get("/feeds/problems/")
    )
    assert titles(client.get("/feeds/problems/?territory=vakhitovsky")) == {
        "Dark alley in the district"
    }


def test_a_territory_may_be_named_by_its_number(client, city):
    found = titles(client.get(f"/feeds/problems/?territory={city.other.pk}"))
    assert found == {"Broken Sovetsky bench"}


def test_the_problems_feed_filters_by_category(client, city):
    assert titles(client.get("/feeds/problems/?category=lighting")) == {
        "Dark alley in the district"
    }


def test_an_unknown_territory_or_category_is_not_found(client, city):
    assert client.get("/feeds/problems/?territory=atlantis").status_code == 404
    assert client.get("/feeds/problems/?category=nothing").status_code == 404


def test_the_answers_feed_holds_interim_and_final_answers_of_public_problems(client, city):
    found = entries(client.get("/feeds/answers/"))
    links = {entry.find("{http://www.w3.org/2005/Atom}link").get("href") for entry in found}
    wanted = {city.answers["interim"], city.answers["final"]}
    assert links == {
        f"http://testserver/problems/{a.appeal.problem_id}/#answer-{a.pk}" for a in wanted
    }


def test_the_answers_feed_filters_by_territory_and_organization(client, city):
    assert entries(client.get("/feeds/answers/?territory=sovetsky")) == []
    assert len(entries(client.get("/feeds/answers/?territory=vakhitovsky"))) == 2
    assert len(entries(client.get("/feeds/answers/?organization=city-hall"))) == 2
    assert client.get("/feeds/answers/?organization=nobody").status_code == 404


def test_the_discussions_feed_leaves_out_a_discussion_not_announced_yet(client, city):
    assert titles(client.get("/feeds/discussions/")) == {
        "Square on Baumana",
        "Embankment in Sovetsky",
    }


def test_the_discussions_feed_filters_by_territory(client, city):
    assert titles(client.get("/feeds/discussions/?territory=sovetsky")) == {
        "Embankment in Sovetsky"
    }
    assert len(titles(client.get("/feeds/discussions/?territory=kazan"))) == 2


def test_the_problem_list_offers_its_feed_with_its_filters(client, city):
    page = client.get("/problems/?territory=vakhitovsky&category=lighting").content.decode()
    alternate = (
        '<link rel="alternate" type="application/atom+xml" title="New problems" '
        'href="/feeds/problems/?territory=vakhitovsky&amp;category=lighting">'
    )
    assert alternate in page.replace("Новые проблемы", "New problems")
    assert 'href="/feeds/answers/?territory=vakhitovsky"' in page


def test_the_discussion_list_offers_its_feed(client, city):
    page = client.get("/discussions/").content.decode()
    assert 'type="application/atom+xml"' in page
    assert 'href="/feeds/discussions/"' in page
