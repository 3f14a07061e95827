"""What an organization prints on its documents: its letterhead's lines and a signatory's
position, the same on answers, protocols and conclusions."""

from veche.core.i18n import translate
from veche.organizations.models import Membership


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
