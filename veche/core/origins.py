"""What a site's origin may be (a site embedding the widgets, a broadcast a hearing embeds):
`https://host[:port]`, nothing else (no path, no wildcard, no other scheme; `http` only while
DEBUG, for a developer's own machine). The value goes verbatim into a response header, so only
the characters of a host name pass."""

import re
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# A DNS name (already in ASCII, IDNA-encoded) or an IPv4 address.
_HOST = re.compile(
    r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$"
)
_DEFAULT_PORTS = {"https": 443, "http": 80}


def parse_origin(value: str, *, allow_http: bool = False) -> str:
    """The origin normalized (`https://example.org:8443`), or a ValidationError saying why not."""
    value = (value or "").strip()
    if any(character.isspace() or character in ";,'\"*" for character in value):
        raise ValidationError(_("An origin is one address without spaces, quotes or wildcards."))
    try:
        parts = urlsplit(value)
        port = parts.port
    except ValueError as error:
        raise ValidationError(_("This is not an address of a site.")) from error
    schemes = ("https", "http") if allow_http else ("https",)
    if parts.scheme.lower() not in schemes:
        raise ValidationError(_("The address must start with https://."))
    if parts.username is not None or parts.password is not None:
        raise ValidationError(_("An origin carries no user name or password."))
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise ValidationError(
            _("Give the site only (https://example.org), without a path or a query.")
        )
    try:
        host = (parts.hostname or "").encode("idna").decode("ascii").lower()
    except UnicodeError as error:
        raise ValidationError(_("This is not an address of a site.")) from error
    if not _HOST.match(host):
        raise ValidationError(_("This is not an address of a site."))
    scheme = parts.scheme.lower()
    if port is not None and port != _DEFAULT_PORTS[scheme]:
        return f"{scheme}://{host}:{port}"
    return f"{scheme}://{host}"
