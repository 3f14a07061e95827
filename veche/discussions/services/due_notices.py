"""Time-driven notices: the announcements that fall due with the calendar."""

import datetime

from django.db import transaction
from django.utils import timezone

from veche.discussions import notices
from veche.discussions.models import (
    Discussion,
    Stage,
)

from ._common import _notify


def send_due_notices(now: datetime.datetime | None = None) -> dict[str, int]:
    """Run by the worker's schedule (`veche discussion_tick`): announce discussions whose notice
    date has come, remind experts of waiting questions. Idempotent: a second run announces
    nothing. Only events are stored here; their notices are made by the outbox's worker."""
    now = now or timezone.now()
    announced = 0
    for discussion in Discussion.objects.filter(
        status=Discussion.Status.PUBLISHED, notice_sent_at__isnull=True
    ):
        if discussion.stage_at(now) in (Stage.SCHEDULED, Stage.DRAFT):
            continue
        with transaction.atomic():
            announced += _announce(discussion, now)
    reminded = notices.remind_experts(now)
    alerted = notices.alert_organizers(now)
    return {"announced": announced, "experts_reminded": reminded, "organizers_alerted": alerted}


def _announce(discussion: Discussion, now: datetime.datetime) -> bool:
    """Claim the discussion's notice and announce it, in the caller's transaction: the claim and
    the event commit together, so the notice is neither lost nor announced twice."""
    claimed = Discussion.objects.filter(pk=discussion.pk, notice_sent_at__isnull=True).update(
        notice_sent_at=now
    )
    # After a long stop of the tick, a discussion already past its intake is not announced:
    # the notice would invite people to something they can no longer join.
    if not claimed or discussion.stage_at(now) not in (
        Stage.ANNOUNCED,
        Stage.EXPOSITION,
        Stage.INTAKE,
    ):
        return False
    _notify("announced", discussion)
    return True
