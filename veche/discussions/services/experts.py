"""Experts answering the questions asked."""

import rules
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from veche.core.audit import record_event
from veche.discussions.models import (
    Discussion,
    ExpertAnswer,
    Submission,
)

from ._common import Kind, _actor, _lock, _notify, _require


@transaction.atomic
def answer_question(*, expert, submission: Submission, text: str) -> ExpertAnswer:
    # Locked, and read again: an answer racing the protocol's signature (or a moderator hiding
    # the question) is checked against what holds now, not what the page read.
    discussion = _lock(submission.discussion)
    submission = Submission.objects.select_for_update().get(pk=submission.pk)
    _require(
        rules.has_perm("discussions.answer_question", expert, discussion),
        _("Only the experts of this discussion answer its questions."),
    )
    if submission.kind != Kind.QUESTION:
        raise ValidationError(_("Only questions are answered by the experts."))
    if submission.hidden_at or discussion.status != Discussion.Status.PUBLISHED:
        raise ValidationError(_("This question can no longer be answered."))
    if discussion.protocol_signed_at:
        raise ValidationError(_("The protocol is signed: answers can no longer be added."))
    if len(text.strip()) < 2:
        raise ValidationError({"text": _("Write the answer.")})
    answer = ExpertAnswer.objects.create(submission=submission, expert=expert, text=text.strip())
    record_event(
        actor=expert,
        action="discussion.question_answered",
        target=submission,
        data={"answer": answer.pk},
    )
    _notify("question_answered", discussion, answer=answer.pk, **_actor(expert))
    return answer
