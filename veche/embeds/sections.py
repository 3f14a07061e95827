"""What the widgets add to the pages they embed (`veche.core.sections`): an "Embed" disclosure
with the `<iframe>` code, and the oEmbed discovery link in the page's head. Both only once an
operator has allowed some site: until then no other site could show the widget."""

from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import get_language

from veche.core import sections
from veche.embeds.framing import allowed_origins
from veche.embeds.widgets import WIDGETS, iframe

# The page of the full site → the widget it offers, and the slot its disclosure goes in.
PAGES = {
    "discussion": ("discussion", "side"),
    "territory": ("report", "main"),
    "organization": ("rating", "main"),
}


def _site(request) -> str:
    return request.build_absolute_uri("/").rstrip("/")


def _discovery(kind: str):
    def content(request, subject):
        if not allowed_origins(request):
            return None
        query = urlencode({"url": request.build_absolute_uri(request.path), "format": "json"})
        return "embeds/sections/discovery.html", {
            "oembed_url": f"{_site(request)}{reverse('embeds:oembed')}?{query}",
            "oembed_title": WIDGETS[kind].title(subject),
        }

    return content


def _snippet(kind: str):
    def content(request, subject):
        origins = allowed_origins(request)
        if not origins:
            return None
        widget = WIDGETS[kind]
        return "embeds/sections/snippet.html", {
            "embed_code": iframe(widget, subject, site=_site(request), language=get_language()),
            "embed_preview": widget.url(subject, get_language()),
            "embed_origins": origins,
        }

    return content


# Made once, so that registering again (ready() run twice) registers the very same sections.
_CONTENTS = {page: (_discovery(kind), _snippet(kind)) for page, (kind, _slot) in PAGES.items()}


def embedding_sites(request, _subject):
    return "embeds/sections/operators.html", {"origin_count": len(allowed_origins(request))}


def register() -> None:
    sections.register(
        "organizations",
        "embedding_sites",
        order=20,
        slot="top",
        content=embedding_sites,
        permission="embeds.manage_origins",
    )
    for page, (_kind, slot) in PAGES.items():
        discovery, snippet = _CONTENTS[page]
        sections.register(page, "oembed", order=10, slot="head", content=discovery)
        sections.register(page, "embed", order=90, slot=slot, content=snippet)
