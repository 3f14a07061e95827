"""The territory tree: paths, descendants, moves and boundaries."""

import pytest
from django.core.exceptions import ValidationError

from tests.factories import make_territory
from veche.territories.models import Territory, validate_boundary

pytestmark = pytest.mark.django_db


@pytest.fixture
def kazan():
    country = make_territory("ru", kind=Territory.Kind.COUNTRY)
    region = make_territory("ru-ta", parent=country, kind=Territory.Kind.REGION)
    return make_territory("kazan", parent=region, kind=Territory.Kind.CITY)


def test_path_and_depth_follow_the_parents(kazan):
    district = make_territory("kazan-sovetsky", parent=kazan)
    assert district.path == "/ru/ru-ta/kazan/kazan-sovetsky/"
    assert district.depth == 3
    assert [t.code for t in district.ancestors()] == ["ru", "ru-ta", "kazan"]


def test_descendants_include_grandchildren_but_not_neighbours(kazan):
    district = make_territory("kazan-sovetsky", parent=kazan)
    quarter = make_territory("kazan-sovetsky-azino", parent=district)
    other_city = make_territory("chelny", parent=kazan.parent, kind=Territory.Kind.CITY)
    # A code that shares a prefix must not count as a descendant.
    lookalike = make_territory("kazan-sovetsky2", parent=kazan)
    codes = set(kazan.descendants().values_list("code", flat=True))
    assert codes == {"kazan-sovetsky", "kazan-sovetsky-azino", "kazan-sovetsky2"}
    assert set(district.descendants().values_list("code", flat=True)) == {quarter.code}
    assert kazan.contains(quarter)
    assert not district.contains(lookalike)
    assert not kazan.contains(other_city)


def test_moving_a_territory_moves_its_subtree(kazan):
    district = make_territory("kazan-sovetsky", parent=kazan)
    quarter = make_territory("azino", parent=district)
    other_city = make_territory("chelny", parent=kazan.parent, kind=Territory.Kind.CITY)
    district.parent = other_city
    district.save()
    quarter.refresh_from_db()
    assert quarter.path == "/ru/ru-ta/chelny/kazan-sovetsky/azino/"
    assert quarter.depth == 4


def test_a_territory_cannot_be_placed_inside_itself(kazan):
    district = make_territory("kazan-sovetsky", parent=kazan)
    kazan.parent = district
    with pytest.raises(ValidationError):
        kazan.clean()


@pytest.mark.parametrize(
    "value",
    [
        {
            "type": "Polygon",
            "coordinates": [[[49.1, 55.8], [49.2, 55.8], [49.2, 55.7], [49.1, 55.8]]],
        },
        {
            "type": "Feature",
            "geometry": {
                "type": "MultiPolygon",
                "coordinates": [[[[0, 0], [1, 1], [1, 0], [0, 0]]]],
            },
        },
        None,
    ],
)
def test_valid_boundaries_pass(value):
    validate_boundary(value)


@pytest.mark.parametrize(
    "value",
    [
        {"type": "Point", "coordinates": [49.1, 55.8]},
        {"type": "Polygon", "coordinates": []},
        {"type": "Polygon"},
        "not geojson",
    ],
)
def test_invalid_boundaries_are_refused(value):
    with pytest.raises(ValidationError):
        validate_boundary(value)
