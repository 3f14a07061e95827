"""A hearing's meeting online: which broadcast links are accepted, and which of them the
hearing's page may embed (those on a site of the operator's list, `BroadcastOrigin`)."""

from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext as _

from veche.core.origins import parse_origin
from veche.core.stamped import move_on, stamped
from veche.discussions.models import BroadcastOrigin, Discussion

ORIGINS_KEY = "discussions:broadcast-origins"
ORIGINS_VERSION_KEY = "discussions:broadcast-origins-version"


def parse_link(value: str) -> str:
    """A broadcast or recording link as given, if it is an https address of a site; else a
    ValidationError saying why (javascript:, data:, http: and the like are refused)."""
    value = (value or "").strip()
    if not value:
        return ""
    if any(character.isspace() or character in "\"'<>\\" for character in value):
        raise ValidationError(_("A link is one address without spaces or quotes."))
    try:
        parts = urlsplit(value)
    except ValueError as error:
        raise ValidationError(_("This is not an address of a site.")) from error
    if parts.scheme.lower() != "https":
        raise ValidationError(_("Give an address that starts with https://."))
    origin_of(value)  # a host name of a site, no user name or password
    return value


def origin_of(url: str) -> str:
    """The site of an https link (`https://host[:port]`); a ValidationError if it has none."""
    parts = urlsplit(url)
    if parts.username is not None or parts.password is not None or "@" in parts.netloc:
        raise ValidationError(_("A link carries no user name or password."))
    return parse_origin(f"{parts.scheme}://{parts.netloc}")


def broadcast_origins() -> frozenset[str]:
    """The sites whose players a hearing's page may embed; read on every hearing's page, so kept
    in the shared cache and moved on by any change of the list."""
    return frozenset(stamped(ORIGINS_KEY, ORIGINS_VERSION_KEY, _read_origins))


def _read_origins() -> list[str]:
    return list(BroadcastOrigin.objects.values_list("origin", flat=True))


def _origins_changed(**kwargs) -> None:
    move_on(ORIGINS_VERSION_KEY)


for _signal in (post_save, post_delete):
    _signal.connect(_origins_changed, sender=BroadcastOrigin, weak=False)


def embedded_origin(discussion: Discussion) -> str:
    """The site of the hearing's broadcast when its page may embed it, else ""."""
    link = safe_link(discussion.broadcast_url)
    if not link:
        return ""
    try:
        origin = origin_of(link)
    except ValidationError:
        return ""
    return origin if origin in broadcast_origins() else ""


def safe_link(url: str) -> str:
    """A stored link as a page may show it: an https address of a site, else "" (whatever got
    into the database, a page never links to javascript: or data:)."""
    try:
        return parse_link(url) if url else ""
    except (ValidationError, ValueError):
        return ""


def host_of(url: str) -> str:
    return urlsplit(url).hostname or "" if url else ""
