"""What every page's layout needs from core: the site's address. (The header's territory picker
comes from `veche.territories.context_processors`.)"""

from django.conf import settings


def site(request):
    return {"site_url": settings.SITE_URL}
