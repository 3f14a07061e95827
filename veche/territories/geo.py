"""Points against territory boundaries: point-in-polygon and extents in plain Python.

Boundaries are GeoJSON, longitude first. RFC 7946 draws a polygon's edges as straight lines in
longitude/latitude, so ray casting in that plane is exact, not an approximation.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from veche.territories.models import Territory

Number = float | Decimal


@dataclass(frozen=True)
class Extent:
    """A latitude/longitude box; west > east means it crosses the 180th meridian."""

    south: float
    west: float
    north: float
    east: float

    def contains(self, latitude: Number, longitude: Number) -> bool:
        latitude, longitude = float(latitude), float(longitude)
        if not self.south <= latitude <= self.north:
            return False
        if self.west <= self.east:
            return self.west <= longitude <= self.east
        return longitude >= self.west or longitude <= self.east

    def as_list(self) -> list[float]:
        """[south, west, north, east] with east past 180 when crossing it, as Leaflet wants."""
        east = self.east if self.west <= self.east else self.east + 360
        return [self.south, self.west, self.north, east]


def site_extent() -> Extent:
    return Extent(*settings.VECHE_MAP_BOUNDS)


def _polygons(boundary) -> list[list]:
    """The polygons (each a list of rings: outer first, then holes) of a boundary."""
    if not isinstance(boundary, dict):
        return []
    geometry = boundary.get("geometry") if boundary.get("type") == "Feature" else boundary
    if not isinstance(geometry, dict):
        return []
    if geometry.get("type") == "Polygon":
        return [geometry.get("coordinates") or []]
    if geometry.get("type") == "MultiPolygon":
        return list(geometry.get("coordinates") or [])
    return []


def _ring_contains(ring: list, x: float, y: float) -> bool:
    inside = False
    previous = ring[-1]
    for current in ring:
        (x1, y1), (x2, y2) = previous[:2], current[:2]
        if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
            inside = not inside
        previous = current
    return inside


def boundary_contains(boundary, latitude: Number, longitude: Number) -> bool:
    """True when the point lies inside the boundary (inside an outer ring and in none of its
    holes); a boundary without polygons contains nothing."""
    x, y = float(longitude), float(latitude)
    for rings in _polygons(boundary):
        outer, *holes = [ring for ring in rings if len(ring) >= 3] or [None]
        if (
            outer
            and _ring_contains(outer, x, y)
            and not any(_ring_contains(hole, x, y) for hole in holes)
        ):
            return True
    return False


def boundary_extent(boundary) -> Extent | None:
    points = [point for rings in _polygons(boundary) for ring in rings[:1] for point in ring]
    if not points:
        return None
    longitudes = [float(point[0]) for point in points]
    latitudes = [float(point[1]) for point in points]
    return Extent(min(latitudes), min(longitudes), max(latitudes), max(longitudes))


def area_of(territory: Territory) -> Territory | None:
    """The territory whose boundary a point in `territory` must respect: its own, or else the
    nearest ancestor's that has one (a district without a drawn boundary still lies in its city)."""
    if _polygons(territory.boundary):
        return territory
    for ancestor in reversed(list(territory.ancestors())):
        if _polygons(ancestor.boundary):
            return ancestor
    return None


def map_extent(territory: Territory | None) -> Extent:
    """Where a map of this territory opens: its (or its nearest ancestor's) boundary, else the
    area the site serves."""
    area = area_of(territory) if territory is not None else None
    return (area and boundary_extent(area.boundary)) or site_extent()


def extents_by_territory(territories) -> dict[int, list[float]]:
    """Map extents for many territories at once (the publish form's picker), in one query."""
    bounded = [
        (place.path, extent)
        for place in Territory.objects.filter(boundary__isnull=False).only("path", "boundary")
        if (extent := boundary_extent(place.boundary)) is not None
    ]
    site = site_extent().as_list()
    extents = {}
    for territory in territories:
        matching = [(path, extent) for path, extent in bounded if territory.path.startswith(path)]
        deepest = max(matching, key=lambda item: len(item[0]), default=None)
        extents[territory.pk] = deepest[1].as_list() if deepest else site
    return extents


def check_point(territory: Territory, latitude: Number | None, longitude: Number | None) -> None:
    """Refuse a point that is half given, or lies outside the territory (its boundary, its nearest
    bounded ancestor's, or else the area the site serves), with a message that says which."""
    if latitude is None and longitude is None:
        return
    if latitude is None or longitude is None:
        raise ValidationError(_("Give both latitude and longitude, or leave both empty."))
    area = area_of(territory)
    if area is None:
        if site_extent().contains(latitude, longitude):
            return
        if site_extent().contains(longitude, latitude):
            raise ValidationError(_("Latitude and longitude look swapped: latitude comes first."))
        raise ValidationError(
            _("The point is outside the area this site serves. Check the latitude and longitude.")
        )
    if boundary_contains(area.boundary, latitude, longitude):
        return
    if boundary_contains(area.boundary, longitude, latitude):
        raise ValidationError(_("Latitude and longitude look swapped: latitude comes first."))
    if area == territory:
        message = _(
            "The point is outside %(territory)s. Move the marker inside it, "
            "or choose the territory where the point lies."
        ) % {"territory": territory.title}
    else:
        message = _(
            "The point is outside %(area)s, and so outside %(territory)s. Move the marker, "
            "or choose the territory where the point lies."
        ) % {"area": area.title, "territory": territory.title}
    raise ValidationError(message)


def territory_at(latitude: Number, longitude: Number, *, kinds) -> Territory | None:
    """The deepest territory of one of `kinds` whose drawn boundary holds the point; None when
    no drawn boundary does (an Open311 request that gives a point but no jurisdiction)."""
    for place in Territory.objects.filter(boundary__isnull=False, kind__in=kinds).order_by(
        "-depth", "path"
    ):
        if boundary_contains(place.boundary, latitude, longitude):
            return place
    return None
