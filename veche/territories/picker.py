"""The header's picker of 'my territory', on every page: its options are the same for every
visitor, so they are rendered once per language and kept in the shared cache while no territory
changes; each visitor's choice is marked on them when their header is rendered."""

from django.template.loader import render_to_string
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from veche.core.stamped import Read, stamped
from veche.territories.queries import VERSION_KEY, picker_territories


def picker_read() -> Read:
    """What `options` reads from the shared cache (in the current language), read ahead with a
    signed-in person's account."""
    return Read(f"territories:picker:{get_language()}", VERSION_KEY)


def options(chosen: str) -> SafeString:
    """The picker's options, the one with the code `chosen` selected."""
    html = stamped(*picker_read(), _render)
    if chosen:
        mark = f'<option value="{escape(chosen)}">'
        html = html.replace(mark, mark[:-1] + " selected>", 1)
    return mark_safe(html)  # noqa: S308 (rendered by a template, escaped as it rendered)


def _render() -> str:
    # Their code, name, kind and place in the tree: never a boundary.
    territories = picker_territories().only("code", "name", "kind", "path")
    return str(render_to_string("territories/_picker_options.html", {"territories": territories}))
