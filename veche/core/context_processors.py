"""What every page's layout needs: the territory picker and the current territory."""

from django.conf import settings

from veche.territories.queries import picker_territories


def site(request):
    return {
        "site_url": settings.SITE_URL,
        "picker_territories": picker_territories,  # called lazily, only by the header
        "current_territory_code": request.session.get("veche_territory", "")
        if hasattr(request, "session")
        else "",
    }
