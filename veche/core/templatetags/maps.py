"""Template tags for maps: the tile server's settings and marker images, as data for map scripts."""

from django import template
from django.conf import settings
from django.templatetags.static import static
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from veche.core.maps import attribution

register = template.Library()


@register.simple_tag
def map_attrs() -> str:
    """data- attributes for a map element: where tiles come from, whom to credit, and the marker
    images by their static URLs (which carry a hash in production)."""
    return format_html(
        'data-tile-url="{}" data-boundaries="{}" data-attribution="{}" data-marker-icon="{}" '
        'data-marker-icon-2x="{}" data-marker-shadow="{}"',
        settings.VECHE_MAP_TILE_URL,
        # Without tiles, the territories' boundaries (served from this origin) are the base map.
        "" if settings.VECHE_MAP_TILE_URL else reverse("territories:boundaries"),
        attribution(),
        static("leaflet/images/marker-icon.png"),
        static("leaflet/images/marker-icon-2x.png"),
        static("leaflet/images/marker-shadow.png"),
    )


@register.simple_tag
def map_attribution() -> str:
    """The attribution as HTML, for maps that show it beside them rather than inside (none
    without tiles: there is nobody to credit)."""
    if not settings.VECHE_MAP_TILE_URL:
        return ""
    return mark_safe(attribution())  # noqa: S308 — cleaned by nh3 to text and links
