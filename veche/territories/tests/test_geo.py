"""A point against territory boundaries: inside, outside, in a hole, across the 180th meridian."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from tests.factories import make_territory
from veche.territories.geo import (
    Extent,
    area_of,
    boundary_contains,
    boundary_extent,
    check_point,
    extents_by_territory,
    map_extent,
)
from veche.territories.models import Territory

# A square around central Kazan with a square hole (a lake, say) in its middle; GeoJSON is
# longitude first.
SQUARE = [[49.0, 55.7], [49.2, 55.7], [49.2, 55.9], [49.0, 55.9], [49.0, 55.7]]
HOLE = [[49.09, 55.79], [49.11, 55.79], [49.11, 55.81], [49.09, 55.81], [49.09, 55.79]]
KAZAN = {"type": "Polygon", "coordinates": [SQUARE, HOLE]}
# An L-shaped district: its bounding box holds points that are not in it.
L_SHAPE = {
    "type": "Polygon",
    "coordinates": [
        [[49.0, 55.7], [49.1, 55.7], [49.1, 55.75], [49.05, 55.75], [49.05, 55.8], [49.0, 55.8]]
    ],
}


@pytest.mark.parametrize(
    ("latitude", "longitude", "inside"),
    [
        (55.75, 49.05, True),
        (55.85, 49.15, True),
        (55.80, 49.10, False),  # in the hole
        (55.95, 49.10, False),  # north of it
        (55.80, 48.90, False),  # west of it
        (49.10, 55.80, False),  # swapped
    ],
)
def test_point_in_a_polygon_with_a_hole(latitude, longitude, inside):
    assert boundary_contains(KAZAN, latitude, longitude) is inside


def test_a_concave_boundary_is_not_its_bounding_box():
    assert boundary_contains(L_SHAPE, 55.72, 49.08)
    assert boundary_contains(L_SHAPE, 55.78, 49.02)
    assert not boundary_contains(L_SHAPE, 55.78, 49.08)  # the L's missing corner


def test_multipolygon_and_feature_are_read():
    island = [[[49.5, 55.5], [49.6, 55.5], [49.6, 55.6], [49.5, 55.5]]]
    multi = {"type": "MultiPolygon", "coordinates": [KAZAN["coordinates"], island]}
    feature = {"type": "Feature", "properties": {}, "geometry": multi}
    assert boundary_contains(feature, Decimal("55.75"), Decimal("49.05"))
    assert boundary_contains(feature, 55.52, 49.58)
    assert not boundary_contains(feature, 55.58, 49.52)
    assert boundary_extent(feature) == Extent(55.5, 49.0, 55.9, 49.6)


@pytest.mark.parametrize("boundary", [None, {}, {"type": "Point", "coordinates": [49, 55]}, []])
def test_no_polygon_contains_nothing(boundary):
    assert not boundary_contains(boundary, 55.8, 49.1)
    assert boundary_extent(boundary) is None


def test_an_extent_across_the_180th_meridian():
    chukotka = Extent(60.0, 170.0, 70.0, -170.0)
    assert chukotka.contains(65, 175)
    assert chukotka.contains(65, -175)
    assert not chukotka.contains(65, 0)
    assert chukotka.as_list() == [60.0, 170.0, 70.0, 190.0]


@pytest.mark.django_db
class TestCheckPoint:
    @pytest.fixture
    def kazan(self):
        return Territory.objects.create(
            code="kazan",
            kind=Territory.Kind.CITY,
            name={"ru": "Казань", "en": "Kazan"},
            boundary=KAZAN,
        )

    def test_a_district_without_a_boundary_falls_back_to_its_city(self, kazan):
        district = make_territory("kazan-sovetsky", parent=kazan, en="Sovetsky District")
        assert area_of(district) == kazan
        check_point(district, Decimal("55.75"), Decimal("49.05"))
        with translation.override("en"), pytest.raises(ValidationError) as refusal:
            check_point(district, Decimal("55.95"), Decimal("49.05"))
        assert refusal.value.messages == [
            "The point is outside Kazan, and so outside Sovetsky District. Move the marker, "
            "or choose the territory where the point lies."
        ]

    def test_a_territory_with_its_own_boundary_is_checked_against_it(self, kazan):
        district = make_territory("kazan-l", parent=kazan, en="L District")
        district.boundary = L_SHAPE
        district.save()
        check_point(district, 55.72, 49.08)
        with translation.override("en"), pytest.raises(ValidationError) as refusal:
            check_point(district, 55.78, 49.08)  # in Kazan, not in the district
        assert "outside L District" in refusal.value.messages[0]

    def test_swapped_coordinates_are_named(self, kazan):
        with translation.override("en"), pytest.raises(ValidationError) as refusal:
            check_point(kazan, 49.05, 55.75)
        assert "look swapped" in refusal.value.messages[0]

    def test_half_a_point_is_refused(self, kazan):
        with translation.override("en"), pytest.raises(ValidationError) as refusal:
            check_point(kazan, 55.75, None)
        assert refusal.value.messages == ["Give both latitude and longitude, or leave both empty."]

    def test_no_point_at_all_is_fine(self, kazan):
        check_point(kazan, None, None)

    def test_without_boundaries_the_site_area_applies(self, settings):
        settings.VECHE_MAP_BOUNDS = (41.1, 19.6, 81.9, -169.0)
        somewhere = make_territory("somewhere", kind=Territory.Kind.CITY)
        check_point(somewhere, 55.75, 49.05)
        check_point(somewhere, 66.0, -172.0)  # Chukotka, east of the 180th meridian
        with translation.override("en"), pytest.raises(ValidationError) as refusal:
            check_point(somewhere, 48.85, 2.35)  # Paris
        assert "outside the area this site serves" in refusal.value.messages[0]

    def test_map_extents_follow_the_nearest_boundary(self, kazan, settings):
        settings.VECHE_MAP_BOUNDS = (50.0, 40.0, 60.0, 50.0)
        district = make_territory("kazan-sovetsky", parent=kazan)
        elsewhere = make_territory("elsewhere", kind=Territory.Kind.CITY)
        assert map_extent(district) == Extent(55.7, 49.0, 55.9, 49.2)
        assert map_extent(elsewhere) == Extent(50.0, 40.0, 60.0, 50.0)
        assert extents_by_territory([kazan, district, elsewhere]) == {
            kazan.pk: [55.7, 49.0, 55.9, 49.2],
            district.pk: [55.7, 49.0, 55.9, 49.2],
            elsewhere.pk: [50.0, 40.0, 60.0, 50.0],
        }
