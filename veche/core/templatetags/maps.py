"""Template tags for maps: the tile server's settings, handed to the map script as data."""

from django import template
from django.conf import settings
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from veche.core.maps import attribution

register = template.Library()


@register.simple_tag
def map_tiles() -> str:
    """data- attributes for a map element: where tiles come from and whom to credit."""
    return format_html(
        'data-tile-url="{}" data-attribution="{}"', settings.VECHE_MAP_TILE_URL, attribution()
    )


@register.simple_tag
def map_attribution() -> str:
    """The attribution as HTML, for maps that show it beside them rather than inside."""
    return mark_safe(attribution())  # noqa: S308 — cleaned by nh3 to text and links
