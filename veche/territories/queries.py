"""Read side of territories: what the pages show."""

from django.db.models import Count, QuerySet

from veche.territories.models import Territory


def territory_by_code(code: str) -> Territory:
    from django.shortcuts import get_object_or_404

    return get_object_or_404(Territory.objects.select_related("parent"), code=code)


def territory_tree() -> list[Territory]:
    """All territories in tree order, each with its count of children."""
    return list(Territory.objects.annotate(child_count=Count("children")).order_by("path"))


def picker_territories() -> QuerySet[Territory]:
    """Cities and what lies inside them: what a resident chooses as 'my place'."""
    return Territory.objects.filter(
        kind__in=[Territory.Kind.CITY, Territory.Kind.DISTRICT, Territory.Kind.SETTLEMENT]
    ).order_by("path")


def boundaries_geojson() -> dict:
    """Every territory that has a boundary, as one GeoJSON FeatureCollection: the base layer of
    maps drawn without a tile server. Outer territories come first, so inner ones lie on top."""
    features = []
    for territory in Territory.objects.filter(boundary__isnull=False).order_by("depth", "path"):
        geometry = territory.boundary
        if geometry.get("type") == "Feature":
            geometry = geometry.get("geometry")
        features.append(
            {
                "type": "Feature",
                "geometry": geometry,
                "properties": {
                    "code": territory.code,
                    "name": territory.title,
                    "kind": territory.kind,
                    "depth": territory.depth,
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}
