from django.http import JsonResponse
from django.shortcuts import render
from django.utils.cache import patch_cache_control, patch_vary_headers

from veche.appeals.queries import problem_list
from veche.organizations.queries import organizations_for_territory
from veche.territories.queries import boundaries_geojson, territory_by_code, territory_tree


def territory_list(request):
    return render(request, "territories/list.html", {"territories": territory_tree()})


def territory_detail(request, code: str):
    territory = territory_by_code(code)
    return render(
        request,
        "territories/detail.html",
        {
            "territory": territory,
            "ancestors": territory.ancestors(),
            "children": territory.children.order_by("code"),
            "organizations": organizations_for_territory(territory),
            "problems": problem_list(territory=territory.code).items[:8],
        },
    )


def boundaries(request):
    """The territories' boundaries as GeoJSON, from this origin: maps draw them as their base
    layer when no tile server is configured, so no request leaves the site by default."""
    response = JsonResponse(boundaries_geojson(), content_type="application/geo+json")
    patch_cache_control(response, public=True, max_age=300)
    patch_vary_headers(response, ["Cookie", "Accept-Language"])  # the names are translated
    return response
