"""After the decision: the progress of what was decided."""

import rules
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from veche.core.audit import record_event
from veche.discussions.models import (
    Discussion,
    Milestone,
    Stage,
    Submission,
)

from ._common import _actor, _lock, _notify, _require, _require_stage


@transaction.atomic
def record_progress(
    *,
    user,
    discussion: Discussion,
    title: str,
    percent: int,
    note: str = "",
    submission: Submission | None = None,
) -> Milestone:
    discussion = _lock(discussion)
    _require(rules.has_perm("discussions.manage_discussion", user, discussion))
    _require_stage(discussion, Stage.CONCLUSION, Stage.ARCHIVE)
    if not 0 <= percent <= 100:
        raise ValidationError({"percent": _("Give a percentage from 0 to 100.")})
    if not title.strip():
        raise ValidationError({"title": _("Say what was done.")})
    if submission is not None:
        if submission.discussion_id != discussion.pk:
            raise ValidationError(_("Choose a submission of this discussion."))
        if submission.recommendation not in (
            Submission.Recommendation.ACCEPTED,
            Submission.Recommendation.PARTLY,
        ):
            raise ValidationError(_("Progress is recorded on accepted proposals only."))
    milestone = Milestone.objects.create(
        discussion=discussion,
        submission=submission,
        title=title.strip(),
        percent=percent,
        note=note.strip(),
        recorded_by=user,
    )
    target = submission or discussion
    target.progress_percent = percent
    target.save(update_fields=["progress_percent"])
    record_event(
        actor=user,
        action="discussion.progress_recorded",
        target=target,
        data={"milestone": milestone.pk, "percent": percent},
    )
    _notify("progress", discussion, milestone=milestone.pk, **_actor(user))
    return milestone
