"""The public statistics page in Chromium: accessible (axe), no sideways scrolling on a 375 px
phone, the city-wide map drawing groups of problems from the API on the territories' own
boundaries with no request leaving the site, and every figure readable without JavaScript."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP, assert_accessible, save_screenshot
from veche.appeals.models import Problem
from veche.demo.geography import KAZAN_OUTLINE
from veche.reporting.tests.statistics_data import STATISTICS, build_city
from veche.territories.models import Territory

PHONE_375 = {"width": 375, "height": 812}
VIEWPORTS = {"phone": PHONE_375, "desktop": DESKTOP}
POINTS = [
    ("55.789480", "49.126150"),
    ("55.792050", "49.115300"),
    ("55.790512", "49.122100"),
    ("55.720000", "49.180000"),
]


@pytest.fixture
def city(transactional_db, settings):
    settings.VECHE_MAP_TILE_URL = ""  # the default: the territories are the base map
    built = build_city()
    Territory.objects.filter(pk=built.kazan.pk).update(boundary=KAZAN_OUTLINE)
    for appeal, (latitude, longitude) in zip(built.problems, POINTS, strict=False):
        Problem.objects.filter(pk=appeal.problem_id).update(latitude=latitude, longitude=longitude)
    return built


def drawn_problems(city_map) -> int:
    groups = city_map.locator(".city-cluster").all_inner_texts()
    alone = city_map.locator(".leaflet-marker-icon:not(.city-cluster)").count()
    return sum(int(text) for text in groups) + alone


def overflow(page) -> int:
    return page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_the_page_is_accessible_and_its_map_draws_every_problem_from_the_site(
    new_context, live_server, city, viewport
):
    page = new_context(viewport=VIEWPORTS[viewport]).new_page()
    origins = set()
    page.on("request", lambda request: origins.add(request.url.split("/")[2]))
    page.goto(STATISTICS)
    expect(page.locator("h1")).to_contain_text("Статистика")

    city_map = page.locator('[data-map="city"]')
    expect(city_map).to_be_visible()
    expect(page.locator("[data-map-fallback]")).to_be_hidden()
    expect(city_map.locator(".leaflet-boundaries-pane path").first).to_be_attached()
    expect(city_map.locator(".city-cluster").first).to_be_visible()
    assert drawn_problems(city_map) == 4  # in groups or alone, every one is on the map
    assert overflow(page) == 0
    save_screenshot(page, f"statistics-{viewport}")
    assert_accessible(page, f"the statistics page ({viewport})")

    city_map.locator(".city-cluster").first.click()  # a group opens as the map comes closer
    expect(city_map.locator(".leaflet-marker-icon:not(.city-cluster)").first).to_be_visible()
    assert origins == {live_server.url.split("/")[2]}


def test_without_javascript_every_figure_is_a_picture_and_a_table(new_context, city):
    page = new_context(viewport=PHONE_375, java_script_enabled=False).new_page()
    page.goto(STATISTICS)
    expect(page.locator('[data-map="city"]')).to_be_hidden()
    fallback = page.locator("[data-map-fallback]")
    expect(fallback).to_be_visible()
    expect(fallback.get_by_role("link", name="списке проблем")).to_have_attribute(
        "href", "/problems/?territory=kazan"
    )
    expect(page.locator("svg.chart[role=img]")).to_have_count(7)  # no discussion: no stages
    expect(page.locator("table.stats-table caption")).to_have_count(7)
    assert overflow(page) == 0
