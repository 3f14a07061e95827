"""A blocked account publishes, signs, comments and submits nothing until its block ends.

The refusal is given where every such act is already decided: identity's eligibility check
(publishing, signing, rating, submitting, asking), to which moderation registers `why_blocked`
(`ModerationConfig.ready()`), and `refuse_if_blocked` for acts that check no eligibility rule
(comments). Each says why, and until when."""

import datetime

from django.core.exceptions import PermissionDenied
from django.db.models.signals import post_delete, post_save
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from veche.core.stamped import Read, forget, keep_many, stamped
from veche.identity.eligibility import RECORD_SECONDS
from veche.moderation.models import Decision


def block_in_force(user, moment: datetime.datetime | None = None) -> Decision | None:
    """The block that keeps the longest, or None: a block for good outlasts any other. Read
    from the database: what a moderator decides under the person's lock."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return _longest(Decision.objects.filter(author=user).blocks_in_force(moment))


def _longest(blocks) -> Decision | None:
    blocks = list(blocks)
    if not blocks:
        return None
    return max(blocks, key=lambda block: (block.blocked_until is None, block.blocked_until))


# Every action asks whether its author is blocked: the blocks not lifted and not over when read
# are kept in the shared cache, stamped with a version of the author's that every decision about
# the author moves on; whether one is still in force is decided at the moment asked.
def _version_key(user_id: int) -> str:
    return f"moderation:blocks-version:{user_id}"


def _blocks_key(user_id: int) -> str:
    return f"moderation:blocks:{user_id}"


def reads_of(user_id: int) -> list[Read]:
    """What `why_blocked` reads from the shared cache, for a request to read it ahead."""
    return [Read(_blocks_key(user_id), _version_key(user_id))]


def _blocks_of(user) -> tuple:
    [(key, version_key)] = reads_of(user.pk)
    return stamped(
        key, version_key, lambda: _read_blocks([user.pk])[user.pk], shared_seconds=RECORD_SECONDS
    )


def _read_blocks(user_ids: list[int]) -> dict[int, tuple]:
    blocks: dict[int, list] = {pk: [] for pk in user_ids}
    for block in Decision.objects.filter(author_id__in=user_ids).blocks_in_force():
        blocks[block.author_id].append(block)
    return {pk: tuple(found) for pk, found in blocks.items()}


def keep_blocks(user_ids: list[int]) -> None:
    """Put these people's blocks in the shared cache at once (a warm-up, as `keep_records`)."""
    keep_many(
        {_blocks_key(pk): found for pk, found in _read_blocks(user_ids).items()},
        {_blocks_key(pk): (_version_key(pk),) for pk in user_ids},
        shared_seconds=RECORD_SECONDS,
    )


def _decided(instance, **kwargs) -> None:
    if instance.author_id is not None:
        # Deleted at once too: a decision's excerpt is the author's own text.
        forget(_blocks_key(instance.author_id), _version_key(instance.author_id))


for _signal in (post_save, post_delete):
    _signal.connect(_decided, sender=Decision, weak=False)


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
    """Why the person may not act now (for eligibility, on every action), or ""."""
    if user is None or not getattr(user, "is_authenticated", False):
        return ""
    moment = moment or timezone.now()
    block = _longest(
        b for b in _blocks_of(user) if b.blocked_until is None or b.blocked_until > moment
    )
    return describe(block) if block else ""


def refuse_if_blocked(user) -> None:
    reason = why_blocked(user)
    if reason:
        raise PermissionDenied(reason)
