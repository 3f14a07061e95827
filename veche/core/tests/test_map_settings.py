"""Map settings: the tile server is the one foreign image source, and bad values stop the start."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from veche.core.maps import attribution, tile_origin
from veche.settings import env_bounds, env_tile_url


def image_sources(policy: str) -> list[str]:
    directive = next(part for part in policy.split("; ") if part.startswith("img-src "))
    return directive.split()[1:]


@pytest.mark.django_db
def test_images_may_come_from_the_tile_server_and_nothing_else_foreign(client, settings):
    settings.VECHE_MAP_TILE_URL = "https://tiles.example.org/osm/{z}/{x}/{y}.png"
    policy = client.get("/")["Content-Security-Policy"]
    assert image_sources(policy) == ["'self'", "data:", "https://tiles.example.org"]
    assert "script-src 'self';" in policy
    assert policy.count("tiles.example.org") == 1


@pytest.mark.django_db
def test_without_a_tile_server_images_are_our_own_only(client, settings):
    settings.VECHE_MAP_TILE_URL = ""
    policy = client.get("/")["Content-Security-Policy"]
    assert image_sources(policy) == ["'self'", "data:"]


@pytest.mark.parametrize(
    ("url", "origin"),
    [
        ("https://tile.openstreetmap.org/{z}/{x}/{y}.png", "https://tile.openstreetmap.org"),
        ("https://{s}.tile.example.org/{z}/{x}/{y}.png", "https://*.tile.example.org"),
        ("http://maps.example.org:8080/t/{z}/{x}/{y}", "http://maps.example.org:8080"),
        ("https://tiles.{s}.example.org/{z}/{x}/{y}.png", "https://*.example.org"),
        ("", ""),
    ],
)
def test_tile_origin_is_a_valid_csp_source(url, origin):
    assert tile_origin(url) == origin


def test_attribution_keeps_text_and_links_only(settings):
    settings.VECHE_MAP_ATTRIBUTION = (
        '© <a href="https://osm.example/copyright" onclick="steal()">OSM</a>'
        '<script>alert(1)</script><img src=x onerror="steal()">'
    )
    cleaned = attribution()
    assert 'href="https://osm.example/copyright"' in cleaned
    assert ">OSM</a>" in cleaned
    assert "script" not in cleaned
    assert "onclick" not in cleaned
    assert "<img" not in cleaned


@pytest.mark.parametrize(
    "raw",
    [
        "tile.openstreetmap.org/{z}/{x}/{y}.png",
        "ftp://tiles.example.org/{z}/{x}/{y}.png",
        "https://tiles.example.org/tiles.png",
    ],
)
def test_tile_url_without_a_scheme_or_placeholders_is_refused(monkeypatch, raw):
    monkeypatch.setenv("VECHE_MAP_TILE_URL", raw)
    with pytest.raises(ImproperlyConfigured, match="VECHE_MAP_TILE_URL must be an http"):
        env_tile_url("VECHE_MAP_TILE_URL", "")


def test_empty_tile_url_turns_tiles_off(monkeypatch):
    monkeypatch.setenv("VECHE_MAP_TILE_URL", " ")
    assert env_tile_url("VECHE_MAP_TILE_URL", "https://t.example.org/{z}/{x}/{y}.png") == ""


@pytest.mark.parametrize(
    "raw", ["55,49,56", "south,west,north,east", "56,48,55,50", "55,-190,56,50", "-95,0,10,10"]
)
def test_map_bounds_must_be_four_sane_numbers(monkeypatch, raw):
    monkeypatch.setenv("VECHE_MAP_BOUNDS", raw)
    with pytest.raises(ImproperlyConfigured, match="VECHE_MAP_BOUNDS must"):
        env_bounds("VECHE_MAP_BOUNDS", "0,0,1,1")


def test_map_bounds_read_south_west_north_east(monkeypatch):
    monkeypatch.setenv("VECHE_MAP_BOUNDS", " 55.6, 48.8 ,55.95,49.4")
    assert env_bounds("VECHE_MAP_BOUNDS", "0,0,1,1") == (55.6, 48.8, 55.95, 49.4)
