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
