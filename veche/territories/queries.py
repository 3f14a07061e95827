"""Read side of territories: what the pages show."""

from django.db.models import Count, QuerySet
from django.db.models.signals import post_delete, post_save

from veche.core.stamped import move_on
from veche.territories.models import Territory

# Moved on by every change of a territory: what is kept of them in the shared cache is stale.
VERSION_KEY = "territories:version"


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


def _territories_changed(sender, **kwargs) -> None:
    move_on(VERSION_KEY)


def watch_territories() -> None:
    """Any save or deletion of a territory makes what is kept of them stale (`apps.ready`)."""
    for signal in (post_save, post_delete):
        signal.connect(_territories_changed, sender=Territory, dispatch_uid="territories-version")


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
