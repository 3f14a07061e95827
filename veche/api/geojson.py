"""Every public problem with a point, as GeoJSON, for the city-wide map of the statistics page
and anyone's own map: public, anonymous, throttled, with an ETag, and without personal data
(titles, places, categories and states only, as the public pages show them).

With `zoom` the problems are grouped on the server into square cells of about 60 pixels at
that zoom, so a map of a hundred thousand problems downloads a few hundred features; a cell
holding one problem is that problem. Without `zoom` every problem is its own feature. Either
way an answer holds at most VECHE_API_MAP_MAX_FEATURES features, and says `truncated` when
there were more (a map then asks for its box, `bbox`, or groups them, `zoom`)."""

import math

from django.conf import settings
from django.db.models import Avg, Count, FloatField, Max, Min
from django.db.models.functions import Cast, Floor
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from veche.api.views_public import ProblemFilter, PublicView
from veche.appeals import queries as appeals
from veche.appeals.models import Problem

FILTERS = ("territory", "organization", "status", "category")  # those of the problem list
CELL_PIXELS = 60
# From this zoom on (streets and houses) problems are never grouped.
UNGROUPED_FROM = 17


class GeoJSONRenderer(JSONRenderer):
    media_type = "application/geo+json"
    format = "geojson"


class MapFilter(ProblemFilter):
    q = None  # the map shows what the filters select, not a search
    zoom = serializers.IntegerField(
        required=False,
        min_value=0,
        max_value=22,
        help_text="The map's zoom: problems close together at it come as one group.",
    )
    bbox = serializers.CharField(
        required=False,
        max_length=100,
        help_text="west,south,east,north in degrees: only problems inside.",
    )

    def validate_bbox(self, value: str) -> tuple[float, float, float, float]:
        try:
            west, south, east, north = (float(part) for part in value.split(","))
        except ValueError as error:
            raise serializers.ValidationError("Four numbers: west,south,east,north.") from error
        if not (-90 <= south <= north <= 90 and -180 <= west <= 180 and -180 <= east <= 180):
            raise serializers.ValidationError("Degrees within the globe, south before north.")
        return west, south, east, north


def _point(longitude, latitude) -> dict:
    return {"type": "Point", "coordinates": [round(float(longitude), 6), round(float(latitude), 6)]}


def _problem_feature(problem: Problem) -> dict:
    return {
        "type": "Feature",
        "id": problem.pk,
        "geometry": _point(problem.longitude, problem.latitude),
        "properties": {
            "title": problem.title,
            "url": problem.get_absolute_url(),
            "category": problem.category.slug,
            "territory": problem.territory.code,
            "status": problem.status,
        },
    }


def _inside(queryset, bbox):
    west, south, east, north = bbox
    queryset = queryset.filter(latitude__gte=south, latitude__lte=north)
    if west <= east:
        return queryset.filter(longitude__gte=west, longitude__lte=east)
    # A box across the 180th meridian.
    return queryset.filter(longitude__gte=west) | queryset.filter(longitude__lte=east)


def _readable(queryset):
    return queryset.select_related("category", "territory").only(
        "pk", "title", "status", "latitude", "longitude", "category__slug", "territory__code"
    )


def cell_size(zoom: int) -> float:
    """The side of a cell in degrees at `zoom`."""
    return 360 / (256 * math.pow(2, zoom)) * CELL_PIXELS


def grouped(queryset, zoom: int, limit: int) -> list[dict]:
    """Two queries: the cells (counted and averaged in the database; at most `limit`), then
    the problems of the cells that hold one."""
    cell = cell_size(zoom)
    cells = list(
        queryset.order_by()
        .annotate(
            column=Floor(Cast("longitude", FloatField()) / cell),
            row=Floor(Cast("latitude", FloatField()) / cell),
        )
        .values("column", "row")
        .annotate(
            count=Count("pk"),
            middle_latitude=Avg(Cast("latitude", FloatField())),
            middle_longitude=Avg(Cast("longitude", FloatField())),
            first=Min("pk"),
            south=Min("latitude"),
            west=Min("longitude"),
            north=Max("latitude"),
            east=Max("longitude"),
        )
        .order_by("row", "column")[:limit]
    )
    alone = _readable(Problem.objects).in_bulk([c["first"] for c in cells if c["count"] == 1])
    features = []
    for found in cells:
        if found["count"] == 1 and found["first"] in alone:
            features.append(_problem_feature(alone[found["first"]]))
            continue
        features.append(
            {
                "type": "Feature",
                "geometry": _point(found["middle_longitude"], found["middle_latitude"]),
                "properties": {
                    "cluster": True,
                    "count": found["count"],
                    # Where its problems lie: a map opens the group by fitting this box.
                    "bbox": [
                        round(float(found[side]), 6) for side in ("west", "south", "east", "north")
                    ],
                },
            }
        )
    return features


FEATURE_COLLECTION = inline_serializer(
    "ProblemFeatureCollection",
    {
        "type": serializers.CharField(help_text="FeatureCollection"),
        "features": serializers.ListField(
            child=serializers.DictField(),
            help_text=(
                "Point features. A problem: id, properties title, url, category, territory, "
                "status. A group: properties cluster (true), count and bbox (west, south, east, "
                "north of its problems)."
            ),
        ),
        "truncated": serializers.BooleanField(
            help_text=(
                "True when there were more features than one answer holds "
                "(VECHE_API_MAP_MAX_FEATURES, 5,000 by default) and the rest were left out: "
                "ask for a smaller bbox, or group them with zoom."
            )
        ),
    },
)


class ProblemMap(PublicView):
    renderer_classes = [GeoJSONRenderer, JSONRenderer]

    @extend_schema(
        operation_id="problems_geojson",
        parameters=[MapFilter],
        responses={(200, "application/geo+json"): FEATURE_COLLECTION},
        summary="Every public problem with a point, as GeoJSON, grouped by zoom",
    )
    def get(self, request):
        filters = MapFilter(data=request.query_params)
        filters.is_valid(raise_exception=True)
        wanted = filters.validated_data
        chosen = {name: wanted.get(name, "") for name in FILTERS}
        queryset = appeals.filtered_problems(**chosen).filter(
            latitude__isnull=False, longitude__isnull=False
        )
        if "bbox" in wanted:
            queryset = _inside(queryset, wanted["bbox"])
        zoom = wanted.get("zoom")
        limit = settings.VECHE_API_MAP_MAX_FEATURES
        # One more than the limit tells whether any were left out.
        if zoom is not None and zoom < UNGROUPED_FROM:
            features = grouped(queryset, zoom, limit + 1)
        else:
            rows = _readable(queryset).order_by("pk")[: limit + 1]
            features = [_problem_feature(p) for p in rows]
        return Response(
            {
                "type": "FeatureCollection",
                "features": features[:limit],
                "truncated": len(features) > limit,
            }
        )
