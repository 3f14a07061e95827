"""What a site's origin may be (a site embedding the widgets, a broadcast a hearing embeds):
`https://host[:port]`, nothing else (no path, no wildcard, no other scheme; `http` only while
DEBUG, for a developer's own machine). The value goes verbatim into a response header, so only
the characters of a host name pass."""

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

import rules
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from veche.core.audit import record_event
from veche.core.forms import normalize_line

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


@dataclass(frozen=True)
class OriginList:
    """One operator-managed list of sites (a model of `veche.core.models.AllowedOrigin`): the
    permission that changes it, what an operator without it is told, what a missing reason asks,
    and the audit actions of an addition and a removal."""

    model: type
    permission: str
    refusal: str
    reason_needed: str
    allowed_action: str
    disallowed_action: str


@transaction.atomic
def allow(listed: OriginList, *, user, origin: str, reason: str):
    """Add a site to the list, with the reason; one audit row."""
    _require(listed, user)
    try:
        origin = parse_origin(origin, allow_http=settings.DEBUG)
    except ValidationError as error:
        raise ValidationError({"origin": error.messages}) from error
    reason = normalize_line(reason)
    if not reason:
        raise ValidationError({"reason": str(listed.reason_needed)})
    if listed.model.objects.select_for_update().filter(origin=origin).exists():
        raise ValidationError({"origin": _("This site is already allowed.")})
    allowed = listed.model.objects.create(origin=origin, reason=reason, added_by=user)
    record_event(
        actor=user,
        action=listed.allowed_action,
        target=allowed,
        data={"origin": origin, "reason": reason},
    )
    return allowed


@transaction.atomic
def disallow(listed: OriginList, *, user, allowed) -> None:
    """Remove a site from the list; the audit row keeps what it was and why."""
    _require(listed, user)
    record_event(
        actor=user,
        action=listed.disallowed_action,
        target=allowed,
        data={"origin": allowed.origin, "reason": allowed.reason},
    )
    listed.model.objects.filter(pk=allowed.pk).delete()


def _require(listed: OriginList, user) -> None:
    if not rules.has_perm(listed.permission, user):
        raise PermissionDenied(str(listed.refusal))
