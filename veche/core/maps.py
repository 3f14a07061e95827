"""Map settings as pages use them: the tile server's origin for the CSP, a safe attribution."""

from urllib.parse import urlparse

import nh3
from django.conf import settings


def tile_origin(url: str | None = None) -> str:
    """The origin map tiles come from ("" without tiles), as a CSP source: a {s} subdomain
    placeholder becomes the wildcard *, which CSP allows as the leftmost label."""
    url = settings.VECHE_MAP_TILE_URL if url is None else url
    if not url:
        return ""
    parsed = urlparse(url)
    labels = ["*" if "{" in label else label for label in parsed.netloc.split(".")]
    if "*" in labels[1:]:
        # CSP allows a wildcard only as the leftmost label; widen to the first fixed domain.
        labels = ["*", *labels[max(i for i, label in enumerate(labels) if label == "*") + 1 :]]
    return f"{parsed.scheme}://{'.'.join(labels)}"


def attribution() -> str:
    """The tiles' attribution as HTML, kept to text and links (it is the operator's setting)."""
    return nh3.clean(
        settings.VECHE_MAP_ATTRIBUTION or "",
        tags={"a"},
        attributes={"a": {"href"}},
        url_schemes={"https", "http"},
        link_rel="noopener",
    )
