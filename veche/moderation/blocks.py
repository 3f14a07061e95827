"""A blocked account publishes, signs, comments and submits nothing until its block ends.

The refusal is given where every such act is already decided: identity's eligibility check
(publishing, signing, rating, submitting, asking), to which moderation registers `why_blocked`
(`ModerationConfig.ready()`), and `refuse_if_blocked` for acts that check no eligibility rule
(comments). Each says why, and until when."""

import datetime

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from veche.moderation.models import Decision


def block_in_force(user, moment: datetime.datetime | None = None) -> Decision | None:
    """The block that keeps the longest, or None: a block for good outlasts any other."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    blocks = list(Decision.objects.filter(author=user).blocks_in_force(moment))
    if not blocks:
        return None
    return max(blocks, key=lambda block: (block.blocked_until is None, block.blocked_until))


def describe(block: Decision) -> str:
    ground = block.get_ground_display()
    if block.blocked_until is None:
        return _("Your account is blocked for good by a moderator (ground: %(ground)s).") % {
            "ground": ground
        }
    until = timezone.localtime(block.blocked_until)
    return _("Your account is blocked by a moderator until %(date)s (ground: %(ground)s).") % {
        "date": date_format(until, "DATETIME_FORMAT"),
        "ground": ground,
    }


def why_blocked(user, moment: datetime.datetime | None = None) -> str:
    block = block_in_force(user, moment)
    return describe(block) if block else ""


def refuse_if_blocked(user) -> None:
    reason = why_blocked(user)
    if reason:
        raise PermissionDenied(reason)
