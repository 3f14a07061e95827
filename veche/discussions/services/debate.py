"""The public debate on proposals and remarks: replying to a submission, and supporting or
objecting to it (one mark per person, changeable while the intake is open)."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from veche.core import ratelimits
from veche.core.audit import record_event
from veche.discussions.models import Mark, Reply, Submission
from veche.discussions.queries_debate import debate_decision, refusal_for
from veche.moderation.screening import is_obscene, is_threatening

from ._common import _lock
from .taking_part import _participant_number

REPLY_LENGTH = 5000


def _refuse_unless_allowed(user, submission: Submission, moment, *, marking: bool) -> None:
    if not user.is_authenticated:
        raise PermissionDenied(_("Sign in to take part."))
    decision = debate_decision(user, submission.discussion, moment=moment)
    refusal = refusal_for(user, submission, decision, marking=marking)
    if refusal:
        raise PermissionDenied(refusal)


def _screened(text: str) -> str:
    text = text.strip()
    if not text:
        raise ValidationError({"text": _("Write a reply.")})
    if len(text) > REPLY_LENGTH:
        raise ValidationError(
            {"text": _("A reply is at most %(length)s characters.") % {"length": REPLY_LENGTH}}
        )
    # Replies are published at once, as submissions are: what could not be is refused with
    # the reason, so that the participant can rephrase it.
    if is_obscene(text):
        raise ValidationError(
            {"text": _("The text contains obscene words; it is published, so please rephrase it.")}
        )
    if is_threatening(text):
        raise ValidationError({"text": _("The text reads as a threat; please rephrase it.")})
    return text


@transaction.atomic
def reply_to_submission(
    *,
    author,
    submission: Submission,
    text: str,
    parent: Reply | None = None,
    moment: datetime.datetime | None = None,
) -> Reply:
    """A participant's reply to a proposal or remark (or to a reply to it)."""
    ratelimits.spend("comment", author)
    moment = moment or timezone.now()
    # Participants of one discussion are numbered one by one, whether they submit or reply.
    discussion = _lock(submission.discussion)
    submission = Submission.objects.select_related("discussion").get(pk=submission.pk)
    _refuse_unless_allowed(author, submission, moment, marking=False)
    text = _screened(text)
    if parent is not None:
        if parent.submission_id != submission.pk:
            raise ValidationError(_("You can only reply to a reply to this submission."))
        # Threads are one level deep: a reply to a nested reply joins its thread.
        parent = parent.parent if parent.parent_id else parent
    reply = Reply.objects.create(
        submission=submission,
        parent=parent,
        author=author,
        participant_number=_participant_number(discussion, author=author),
        text=text,
        created_at=moment,
    )
    record_event(
        actor=author,
        action="discussion.submission_replied",
        target=submission,
        data={"discussion": discussion.pk, "reply": reply.pk},
    )
    return reply


@transaction.atomic
def mark_submission(
    *, user, submission: Submission, kind: str, moment: datetime.datetime | None = None
) -> Mark | None:
    """Support of or objection to a submission (`kind`), replacing the person's earlier mark;
    an empty `kind` withdraws it. Returns the mark kept, or None."""
    if kind and kind not in Mark.Kind.values:
        raise ValidationError(_("Choose to support or to object."))
    ratelimits.spend("mark", user)
    moment = moment or timezone.now()
    # One person's marks of one submission are decided one at a time, whatever the tabs.
    submission = (
        Submission.objects.select_for_update(of=("self",))
        .select_related("discussion")
        .get(pk=submission.pk)
    )
    _refuse_unless_allowed(user, submission, moment, marking=True)
    mark = Mark.objects.filter(submission=submission, person=user).first()
    before = mark.kind if mark else ""
    if before == kind:
        return mark
    if not kind:
        mark.delete()
        mark = None
    elif mark is None:
        mark = Mark.objects.create(
            submission=submission, person=user, kind=kind, created_at=moment, changed_at=moment
        )
    else:
        mark.kind, mark.changed_at = kind, moment
        mark.save(update_fields=["kind", "changed_at"])
    record_event(
        actor=user,
        action="discussion.submission_marked",
        target=submission,
        data={"discussion": submission.discussion_id, "mark": kind, "before": before},
    )
    return mark
