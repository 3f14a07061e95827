"""What an organization prints on its documents: its letterhead's lines and logo and a
signatory's position, the same on answers, protocols and conclusions."""

import base64
import mimetypes

from veche.core.i18n import translate
from veche.organizations.models import Membership

_LOGO_MAX_BYTES = 2 * 1024 * 1024


def lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def heading_lines(organization) -> list[str]:
    """The letterhead's heading in the current language, or the organization's title."""
    return lines(translate(organization.letterhead_heading)) or [organization.title]


def position_of(user, organization) -> str:
    """The person's own position in the organization, or "" when none is recorded."""
    return (
        Membership.objects.filter(user=user, organization=organization)
        .exclude(position="")
        .values_list("position", flat=True)
        .first()
    ) or ""


def logo_data_uri(organization) -> str:
    """The logo inlined: read through the storage, so it works wherever media are kept."""
    if not organization.logo:
        return ""
    try:
        with organization.logo.open("rb") as logo:
            content = logo.read(_LOGO_MAX_BYTES + 1)
    except OSError:
        return ""
    content_type = mimetypes.guess_type(organization.logo.name)[0] or ""
    if len(content) > _LOGO_MAX_BYTES or not content_type.startswith("image/"):
        return ""
    return f"data:{content_type};base64,{base64.b64encode(content).decode('ascii')}"
