"""Territory pages: the tree, a territory with what the apps show about it (`core.sections`),
the boundaries for maps, and choosing 'my territory'."""

from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.views.decorators.http import require_POST

from veche.core.redirects import redirect_back
from veche.core.sections import page_sections
from veche.territories.my_territory import remember
from veche.territories.queries import (
    boundaries_geojson,
    picker_territories,
    territory_by_code,
    territory_tree,
)


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
            "sections": page_sections(request, "territory", territory),
        },
    )


def boundaries(request):
    """The territories' boundaries as GeoJSON, from this origin: maps draw them as their base
    layer when no tile server is configured, so no request leaves the site by default."""
    response = JsonResponse(boundaries_geojson(), content_type="application/geo+json")
    patch_cache_control(response, public=True, max_age=300)
    patch_vary_headers(response, ["Cookie", "Accept-Language"])  # the names are translated
    return response


@require_POST
def choose_territory(request):
    """Remember the resident's territory for this session and show its page."""
    code = request.POST.get("territory", "")
    if not code:
        remember(request, None)
        return redirect_back(request, "/")
    territory = get_object_or_404(picker_territories(), code=code)
    remember(request, territory)
    return HttpResponseRedirect(territory.get_absolute_url())
