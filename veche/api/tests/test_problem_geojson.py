"""GET /api/v1/problems.geojson: every public problem with a point, grouped by zoom, with an
ETag, no personal data, in the OpenAPI schema."""

import pytest

from tests.factories import make_appeal, make_territory, set_fields
from veche.api.geojson import cell_size
from veche.appeals.models import Problem

pytestmark = pytest.mark.django_db
URL = "/api/v1/problems.geojson"


def placed(territory, latitude, longitude, **fields):
    appeal = make_appeal(territory=territory, **fields)
    return set_fields(appeal.problem, latitude=latitude, longitude=longitude)


@pytest.fixture
def points():
    kazan = make_territory("kazan", kind="city")
    near = [placed(kazan, f"55.7900{i}", f"49.1200{i}") for i in range(3)]
    far = placed(kazan, "55.600000", "49.400000")
    hidden = placed(kazan, "55.700000", "49.300000")
    set_fields(hidden, hidden_at=hidden.published_at)
    draft = placed(kazan, "55.710000", "49.310000")
    set_fields(draft, status=Problem.Status.DRAFT)
    make_appeal(territory=kazan)  # no point: not on the map
    return near, far


def test_without_zoom_every_public_problem_with_a_point_is_a_feature(client, points):
    near, far = points
    answer = client.get(URL)
    assert answer.status_code == 200
    assert answer["Content-Type"] == "application/geo+json"
    collection = answer.json()
    assert collection["type"] == "FeatureCollection"
    assert sorted(f["id"] for f in collection["features"]) == sorted(p.pk for p in [*near, far])


def test_a_feature_holds_no_personal_data(client, points):
    feature = client.get(URL).json()["features"][0]
    assert set(feature["properties"]) == {"title", "url", "category", "territory", "status"}
    assert feature["geometry"]["type"] == "Point"


def test_at_a_city_zoom_problems_close_together_come_as_one_group(client, points):
    features = client.get(URL, {"zoom": 11}).json()["features"]
    groups = [f for f in features if f["properties"].get("cluster")]
    assert [g["properties"]["count"] for g in groups] == [3]
    assert groups[0]["properties"]["bbox"] == [49.12, 55.79, 49.12002, 55.79002]
    assert len(features) == 2  # the group and the problem far away
    assert sum(f["properties"].get("count", 1) for f in features) == 4


def test_at_a_street_zoom_nothing_is_grouped(client, points):
    features = client.get(URL, {"zoom": 17}).json()["features"]
    assert len(features) == 4


def test_a_cell_is_about_sixty_pixels_at_every_zoom():
    assert cell_size(0) == pytest.approx(360 * 60 / 256)
    assert cell_size(11) == pytest.approx(cell_size(10) / 2)


def test_the_box_leaves_out_problems_outside_it(client, points):
    near, _far = points
    features = client.get(URL, {"bbox": "49.0,55.75,49.2,55.85"}).json()["features"]
    assert sorted(f["id"] for f in features) == sorted(p.pk for p in near)


def test_a_wrong_box_is_refused(client, points):
    assert client.get(URL, {"bbox": "north"}).status_code == 400


def test_a_repeated_read_is_not_modified(client, points):
    first = client.get(URL)
    again = client.get(URL, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304


def test_the_schema_names_the_endpoint(client):
    schema = client.get("/api/v1/schema/", {"format": "json"}).json()
    operation = schema["paths"]["/api/v1/problems.geojson"]["get"]
    assert operation["operationId"] == "problems_geojson"
    assert "application/geo+json" in operation["responses"]["200"]["content"]


def test_an_answer_holds_at_most_the_limit_of_features_and_says_so(client, points, settings):
    settings.VECHE_API_MAP_MAX_FEATURES = 3
    for query in ({}, {"zoom": 17}):
        collection = client.get(URL, query).json()
        assert len(collection["features"]) == 3
        assert collection["truncated"] is True
    # Grouped, the four problems are two features: nothing left out.
    grouped = client.get(URL, {"zoom": 11}).json()
    assert (len(grouped["features"]), grouped["truncated"]) == (2, False)
    settings.VECHE_API_MAP_MAX_FEATURES = 1
    assert client.get(URL, {"zoom": 11}).json()["truncated"] is True


def test_within_the_limit_nothing_is_left_out(client, points):
    collection = client.get(URL).json()
    assert (len(collection["features"]), collection["truncated"]) == (4, False)
