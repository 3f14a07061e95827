"""A problem's point on the map, in Chromium: clicking and dragging the marker fills the inputs,
"use my location" asks the browser, the form works without JavaScript, and the list maps its page.

Chromium resolves no outside names here, so outside map tiles never load: the maps work without
them, on the territories' boundaries the site serves itself.
"""

import io
import threading
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.conf import settings
from django.test import Client
from PIL import Image, ImageDraw
from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP, PHONE, save_screenshot
from tests.factories import make_category, make_organization, make_problem, make_resident
from veche.appeals.models import Problem
from veche.demo.geography import KAZAN_OUTLINE
from veche.territories.geo import boundary_contains
from veche.territories.models import Territory

TITLE = "Большая яма на дороге возле школы"
# A coarse square around the centre of Kazan, for a district drawn on the offline map.
VAKHITOVSKY_OUTLINE = {
    "type": "Polygon",
    "coordinates": [
        [[49.08, 55.76], [49.17, 55.76], [49.17, 55.81], [49.08, 55.81], [49.08, 55.76]]
    ],
}
VIEWPORTS = {"phone": PHONE, "desktop": DESKTOP}


@pytest.fixture
def city(transactional_db):
    kazan = Territory.objects.create(
        code="kazan", kind="city", name={"ru": "Казань", "en": "Kazan"}, boundary=KAZAN_OUTLINE
    )
    district = Territory.objects.create(
        code="kazan-vakhitovsky",
        parent=kazan,
        kind="district",
        name={"ru": "Вахитовский район", "en": "Vakhitovsky District"},
    )
    office = make_organization("office", jurisdiction=[district], en="District Office")
    make_category()  # before the form is shown, so that it offers the category
    return kazan, district, office


def signed_in_page(new_context, live_server, user, **options):
    """A page of a browser signed in as `user`, in English."""
    client = Client()
    client.force_login(user)
    context = new_context(**options)
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            },
            {"name": "veche_language", "value": "en", "url": live_server.url},
        ]
    )
    page = context.new_page()
    page.csp_errors = []
    page.on(
        "console",
        lambda message: (
            "Content Security Policy" in message.text and page.csp_errors.append(message.text)
        ),
    )
    return page


def fill_problem(page, district, office) -> None:
    page.fill("#id_title", TITLE)
    page.select_option("#id_category", str(make_category().pk))
    page.select_option("#id_territory", str(district.pk))
    page.fill("#id_description", "Яма мешает проезду уже месяц.")
    page.fill(
        "#id_appeal_text",
        "Просим заделать яму на дороге возле школы, она опасна для детей и машин.",
    )
    page.select_option("#id_organization", str(office.pk))


def typed_point(page) -> tuple[float, float]:
    return float(page.input_value("#id_latitude")), float(page.input_value("#id_longitude"))


def publish(page) -> Problem:
    page.click('button[value="check"]')
    page.click('button[value="publish"]')
    page.wait_for_url("**/problems/*/")
    return Problem.objects.get(title=TITLE)


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_clicking_and_dragging_on_the_map_sets_the_point(
    new_context, live_server, city, axe, viewport
):
    _kazan, district, office = city
    page = signed_in_page(
        new_context, live_server, make_resident(district), viewport=VIEWPORTS[viewport]
    )
    page.goto("/problems/new/")
    fill_problem(page, district, office)
    map_element = page.locator(".location-map.leaflet-container")
    expect(map_element).to_be_visible()
    assert page.input_value("#id_latitude") == ""

    map_element.click()  # the middle of the map, which opens on Kazan's outline
    expect(page.locator("#id_latitude")).not_to_have_value("")
    clicked = typed_point(page)
    assert boundary_contains(KAZAN_OUTLINE, *clicked)
    assert len(page.input_value("#id_latitude").split(".")[1]) == 6

    # Dragging the marker to the right moves the point east.
    before = page.input_value("#id_longitude")
    marker = page.locator(".location-map .leaflet-marker-icon")
    box = marker.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] - 4)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] / 2 + 60, box["y"] + box["height"] - 4, steps=6)
    page.mouse.up()
    expect(page.locator("#id_longitude")).not_to_have_value(before)
    dragged = typed_point(page)
    assert dragged[1] > clicked[1]
    assert dragged[0] == pytest.approx(clicked[0], abs=0.001)

    save_screenshot(page, f"problem-map-form-{viewport}")
    axe(page, f"the publish form with a point ({viewport})")
    problem = publish(page)
    assert (float(problem.latitude), float(problem.longitude)) == dragged

    expect(page.locator(".location-figure .leaflet-marker-icon")).to_be_visible()
    expect(page.locator(".location-figure figcaption a")).to_have_text(
        f"{problem.latitude}, {problem.longitude}"
    )
    save_screenshot(page, f"problem-map-page-{viewport}")
    axe(page, f"a problem's page with its point ({viewport})")
    assert page.csp_errors == []


def test_typed_coordinates_move_the_marker_and_are_checked(new_context, live_server, city, axe):
    _kazan, district, office = city
    page = signed_in_page(new_context, live_server, make_resident(district))
    page.goto("/problems/new/")
    fill_problem(page, district, office)
    page.fill("#id_latitude", "55.7558")  # Moscow: not in Kazan
    page.fill("#id_longitude", "37.6173")
    page.press("#id_longitude", "Tab")
    marker = page.locator(".location-map .leaflet-marker-icon")
    expect(marker).to_be_visible()
    assert marker.get_attribute("alt") == "The problem’s point"

    page.click('button[value="check"]')
    expect(page.locator(".field--error")).to_contain_text("The point is outside Kazan")
    # The refused point is still on the map, to be moved.
    expect(marker).to_be_visible()
    assert typed_point(page) == (55.7558, 37.6173)
    axe(page, "the publish form refusing a point")


def test_use_my_location_puts_the_marker_where_the_browser_is(new_context, live_server, city):
    _kazan, district, _office = city
    page = signed_in_page(
        new_context,
        live_server,
        make_resident(district),
        geolocation={"latitude": 55.7887, "longitude": 49.1221},
        permissions=["geolocation"],
    )
    page.goto("/problems/new/")
    page.get_by_role("button", name="Use my location").click()
    expect(page.locator("#id_latitude")).to_have_value("55.788700")
    expect(page.locator("#id_longitude")).to_have_value("49.122100")
    expect(page.locator("[data-map-status]")).to_contain_text("The marker is at your location")


def test_without_javascript_the_coordinates_are_typed_and_checked(new_context, live_server, city):
    # (axe-core needs JavaScript: the same refusal is checked for accessibility with it, below.)
    _kazan, district, office = city
    page = signed_in_page(
        new_context, live_server, make_resident(district), java_script_enabled=False
    )
    page.goto("/problems/new/")
    expect(page.locator(".location__map")).to_be_hidden()
    fill_problem(page, district, office)
    page.fill("#id_latitude", "55.7558")  # Moscow: not in Kazan
    page.fill("#id_longitude", "37.6173")
    page.click('button[value="check"]')
    expect(page.locator(".field--error")).to_contain_text(
        "The point is outside Kazan, and so outside Vakhitovsky District."
    )
    expect(page.locator('button[value="publish"]')).to_have_count(0)

    page.fill("#id_latitude", "55.790512")
    page.fill("#id_longitude", "49.1221")
    problem = publish(page)
    assert (problem.latitude, problem.longitude) == (Decimal("55.790512"), Decimal("49.122100"))
    expect(page.locator(".location__map")).to_be_hidden()
    link = page.locator(".location-figure figcaption a")
    expect(link).to_have_text("55.790512, 49.122100")
    assert link.get_attribute("href") == "geo:55.790512,49.122100"


def test_the_list_shows_its_page_on_a_map(new_context, live_server, city, axe):
    _kazan, district, office = city
    points = {
        "Яма во дворе дома 12 по улице Пушкина": ("55.789480", "49.126150"),
        "Не горят фонари в сквере на улице Баумана": ("55.792050", "49.115300"),
    }
    for title, (latitude, longitude) in points.items():
        problem = make_problem(territory=district, organization=office, title=title)
        Problem.objects.filter(pk=problem.pk).update(latitude=latitude, longitude=longitude)
    make_problem(territory=district, organization=office, title="Проблема без точки на карте")
    page = signed_in_page(new_context, live_server, make_resident(district))
    page.goto("/problems/")

    toggle = page.locator("[data-map-toggle]")
    canvas = page.locator("#problem-map-canvas")
    expect(toggle).to_have_text("Show on the map")
    expect(canvas).to_be_hidden()
    toggle.click()
    expect(canvas).to_be_visible()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(toggle).to_have_text("Hide the map")
    markers = canvas.locator(".leaflet-marker-icon")
    expect(markers).to_have_count(2)
    axe(page, "the problem list with its map open")

    canvas.get_by_role("button", name="Не горят фонари в сквере на улице Баумана").click()
    canvas.locator(".leaflet-popup-content a").click()
    page.wait_for_url("**/problems/*/")
    expect(page.locator("h1")).to_have_text("Не горят фонари в сквере на улице Баумана")

    page.go_back()  # the map stays open for the next visit
    expect(page.locator("#problem-map-canvas")).to_be_visible()
    assert page.csp_errors == []


def _tile_png() -> bytes:
    tile = Image.new("RGB", (256, 256), "#eef2e6")
    ImageDraw.Draw(tile).rectangle((0, 0, 255, 255), outline="#b9c4a8")
    buffer = io.BytesIO()
    tile.save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def tile_server():
    """A tile server on another origin (a loopback port of its own) that answers every tile."""
    png = _tile_png()
    requested = []

    class Tiles(BaseHTTPRequestHandler):
        def do_GET(self):
            requested.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.send_header("Content-Length", str(len(png)))
            self.end_headers()
            self.wfile.write(png)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Tiles)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", requested
    server.shutdown()
    server.server_close()


def test_tiles_load_from_the_configured_tile_server(
    new_context, live_server, city, settings, tile_server
):
    origin, requested = tile_server
    settings.VECHE_MAP_TILE_URL = origin + "/{z}/{x}/{y}.png"
    _kazan, district, office = city
    problem = make_problem(territory=district, organization=office)
    Problem.objects.filter(pk=problem.pk).update(latitude="55.790512", longitude="49.122100")
    page = signed_in_page(new_context, live_server, make_resident(district))
    page.goto(problem.get_absolute_url())
    expect(page.locator(".location-figure .leaflet-tile-loaded").first).to_be_visible()
    assert all(path.startswith("/16/") for path in requested)  # the still map's zoom
    assert page.csp_errors == []


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_without_a_tile_server_the_map_draws_the_territories_and_asks_nothing_outside(
    new_context, live_server, city, settings, viewport
):
    settings.VECHE_MAP_TILE_URL = ""  # the default
    _kazan, district, office = city
    Territory.objects.filter(pk=district.pk).update(boundary=VAKHITOVSKY_OUTLINE)
    problem = make_problem(territory=district, organization=office)
    Problem.objects.filter(pk=problem.pk).update(latitude="55.790512", longitude="49.122100")
    page = signed_in_page(
        new_context, live_server, make_resident(district), viewport=VIEWPORTS[viewport]
    )
    origins = set()
    page.on("request", lambda request: origins.add(request.url.split("/")[2]))
    page.goto("/problems/new/")

    picker = page.locator(".location-map.leaflet-container")
    expect(picker).to_be_visible()
    # Kazan's outline and the district's, drawn from the site's own GeoJSON, under the marker.
    expect(picker.locator(".leaflet-boundaries-pane path")).to_have_count(2)
    expect(picker.locator(".boundary-label")).to_have_text("Vakhitovsky District")
    picker.click()  # the base layer takes no clicks: the map still sets the point
    expect(page.locator("#id_latitude")).not_to_have_value("")
    save_screenshot(page, f"problem-map-offline-{viewport}")

    page.goto(problem.get_absolute_url())
    expect(page.locator(".location-figure .leaflet-boundaries-pane path").first).to_be_visible()
    expect(page.locator(".location-figure .leaflet-marker-icon")).to_be_visible()
    assert origins == {live_server.url.split("/")[2]}
    assert page.csp_errors == []


def test_the_boundaries_are_served_as_geojson_by_the_site(client, city):
    kazan, _district, _office = city
    response = client.get("/territories/boundaries.geojson", HTTP_ACCEPT_LANGUAGE="en")
    assert response["Content-Type"] == "application/geo+json"
    collection = response.json()
    assert collection["type"] == "FeatureCollection"
    # Only territories with a boundary; the district without one is not drawn.
    assert [feature["properties"]["code"] for feature in collection["features"]] == ["kazan"]
    assert collection["features"][0]["geometry"] == kazan.boundary
