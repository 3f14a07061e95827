"""A problem's optional point on the map: validated against its territory, shown as text and map."""

import json
import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from tests.factories import (
    make_category,
    make_organization,
    make_problem,
    make_resident,
    make_territory,
)
from veche.appeals.forms import ProblemForm
from veche.appeals.models import Problem
from veche.appeals.services import publish_problem
from veche.territories.models import Territory

pytestmark = pytest.mark.django_db

# A coarse outline of Kazan, longitude first as GeoJSON has it.
KAZAN_OUTLINE = {
    "type": "Polygon",
    "coordinates": [[[48.8, 55.65], [49.35, 55.65], [49.35, 55.95], [48.8, 55.95], [48.8, 55.65]]],
}
IN_VAKHITOVSKY = ("55.790512", "49.122100")
IN_MOSCOW = ("55.755800", "37.617300")


@pytest.fixture
def kazan():
    return Territory.objects.create(
        code="kazan",
        kind=Territory.Kind.CITY,
        name={"ru": "Казань", "en": "Kazan"},
        boundary=KAZAN_OUTLINE,
    )


@pytest.fixture
def district(kazan):
    return make_territory("kazan-vakhitovsky", parent=kazan, en="Vakhitovsky District")


def form_data(district, **location) -> dict:
    return {
        "title": "Большая яма на дороге возле школы",
        "category": make_category().pk,
        "territory": district.pk,
        "description": "Яма мешает проезду уже месяц.",
        "appeal_text": "Просим заделать яму на дороге возле школы, она опасна для детей и машин.",
        **location,
    }


def errors_of(data) -> dict:
    with translation.override("en"):
        form = ProblemForm(data)
        form.is_valid()
        return {name: list(messages) for name, messages in form.errors.items()}


def test_a_problem_without_a_point_is_fine(district):
    form = ProblemForm(form_data(district))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["latitude"] is None
    assert form.cleaned_data["longitude"] is None


def test_a_point_inside_the_city_of_the_district_is_accepted(district):
    latitude, longitude = IN_VAKHITOVSKY
    form = ProblemForm(form_data(district, latitude=latitude, longitude=longitude))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["latitude"] == Decimal("55.790512")


def test_a_point_outside_the_territory_is_refused_with_its_name(district):
    latitude, longitude = IN_MOSCOW
    errors = errors_of(form_data(district, latitude=latitude, longitude=longitude))
    assert errors == {
        "latitude": [
            "The point is outside Kazan, and so outside Vakhitovsky District. Move the marker, "
            "or choose the territory where the point lies."
        ]
    }


def test_swapped_coordinates_are_pointed_out(district):
    latitude, longitude = IN_VAKHITOVSKY
    errors = errors_of(form_data(district, latitude=longitude, longitude=latitude))
    assert errors["latitude"] == ["Latitude and longitude look swapped: latitude comes first."]


@pytest.mark.parametrize(
    ("latitude", "longitude", "field", "message"),
    [
        ("abc", "49.12", "latitude", "Enter the latitude as a number of degrees, e.g. 55.7963."),
        ("55.79", "1e", "longitude", "Enter the longitude as a number of degrees, e.g. 49.1088."),
        ("NaN", "49.12", "latitude", "Enter the latitude as a number of degrees, e.g. 55.7963."),
        (
            "55.79",
            "-Infinity",
            "longitude",
            "Enter the longitude as a number of degrees, e.g. 49.1088.",
        ),
        ("95", "49.12", "latitude", "Latitude lies between −90 and 90 degrees."),
        ("55.79", "-181", "longitude", "Longitude lies between −180 and 180 degrees."),
        # Too large to round to six places: refused as out of range, not a server error.
        ("1e309", "49.12", "latitude", "Latitude lies between −90 and 90 degrees."),
        ("55.79", "9" * 5000, "longitude", "Longitude lies between −180 and 180 degrees."),
        ("55.79", "", "longitude", "Give both latitude and longitude, or leave both empty."),
        ("", "49.12", "latitude", "Give both latitude and longitude, or leave both empty."),
    ],
)
def test_bad_numbers_get_a_clear_message(district, latitude, longitude, field, message):
    errors = errors_of(form_data(district, latitude=latitude, longitude=longitude))
    assert errors == {field: [message]}


def test_a_decimal_comma_and_long_decimals_are_read(district):
    form = ProblemForm(form_data(district, latitude="55,79051249", longitude=" 49.1221004 "))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["latitude"] == Decimal("55.790512")
    assert form.cleaned_data["longitude"] == Decimal("49.122100")


def test_publishing_keeps_the_point(client, district):
    office = make_organization("office", jurisdiction=[district])
    client.force_login(make_resident(district))
    latitude, longitude = IN_VAKHITOVSKY
    response = client.post(
        "/problems/new/",
        {
            **form_data(district, latitude=latitude, longitude=longitude),
            "address": "двор дома 12 по улице Пушкина",
            "organization": office.pk,
            "confirm": "publish",
        },
    )
    assert response.status_code == 302
    problem = Problem.objects.get()
    assert (problem.latitude, problem.longitude) == (Decimal(latitude), Decimal(longitude))
    assert problem.address == "двор дома 12 по улице Пушкина"


def test_publishing_a_point_outside_changes_nothing(client, district):
    office = make_organization("office", jurisdiction=[district])
    client.force_login(make_resident(district))
    latitude, longitude = IN_MOSCOW
    response = client.post(
        "/problems/new/",
        {
            **form_data(district, latitude=latitude, longitude=longitude),
            "organization": office.pk,
            "confirm": "publish",
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    assert "The point is outside Kazan" in response.content.decode()
    assert not Problem.objects.exists()


def test_the_service_refuses_a_point_outside_the_territory(district):
    with pytest.raises(ValidationError):
        publish_problem(
            author=make_resident(district),
            title="Яма на дороге",
            description="Темно и яма.",
            category=make_category(),
            territory=district,
            organization=make_organization(jurisdiction=[district]),
            appeal_text="Просим заделать яму на дороге возле школы, она опасна для детей.",
            latitude=Decimal("55.755800"),
            longitude=Decimal("37.617300"),
        )
    assert not Problem.objects.exists()


def test_the_publish_form_offers_inputs_and_a_map_that_opens_on_the_territory(client, district):
    client.force_login(make_resident(district))
    html = client.get("/problems/new/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert re.search(r'<input type="number" name="latitude" step="any"[^>]*id="id_latitude"', html)
    assert re.search(
        r'<input type="number" name="longitude" step="any"[^>]*id="id_longitude"', html
    )
    assert 'data-map="picker"' in html
    assert "/static/leaflet/leaflet.js" in html
    extents = json.loads(
        re.search(
            r'<script id="location-map-extents" type="application/json">(.*?)</script>', html
        ).group(1)
    )
    assert extents["territories"][str(district.pk)] == [55.65, 48.8, 55.95, 49.35]


def test_the_problem_page_shows_the_point_as_text_and_a_map(client, district):
    problem = make_problem(territory=district)
    Problem.objects.filter(pk=problem.pk).update(
        latitude=Decimal("55.790512"), longitude=Decimal("49.122100")
    )
    html = client.get(problem.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    # Unlocalised even in Russian, where a decimal comma would read as a separator.
    assert '<a href="geo:55.790512,49.122100">55.790512, 49.122100</a>' in html
    assert 'data-map="point" data-latitude="55.790512" data-longitude="49.122100"' in html
    assert "/static/appeals/map.js" in html


def test_a_problem_without_a_point_loads_no_map(client, district):
    problem = make_problem(territory=district)
    html = client.get(problem.get_absolute_url()).content.decode()
    assert "geo:" not in html
    assert "leaflet" not in html


def test_the_list_marks_the_problems_of_its_page_that_have_a_point(client, district):
    placed = make_problem(territory=district, title="Яма во дворе дома 12 на Пушкина")
    make_problem(territory=district, title="Нет света в подъезде дома 3")
    Problem.objects.filter(pk=placed.pk).update(
        latitude=Decimal("55.790512"), longitude=Decimal("49.122100")
    )
    html = client.get("/problems/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    markers = json.loads(
        re.search(
            r'<script id="problem-markers" type="application/json">(.*?)</script>', html
        ).group(1)
    )
    assert markers == [
        {
            "latitude": 55.790512,
            "longitude": 49.1221,
            "title": "Яма во дворе дома 12 на Пушкина",
            "url": placed.get_absolute_url(),
        }
    ]
    assert "1 problem on this page has a point on the map." in html


def test_the_list_without_points_loads_no_map(client, district):
    make_problem(territory=district)
    html = client.get("/problems/").content.decode()
    assert 'data-map="problems"' not in html
    assert "leaflet" not in html
