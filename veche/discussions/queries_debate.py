"""The read side of the public debate on submissions: who may reply and mark now and why not,
the counts of support, objections and replies, a person's own marks, the threads of replies."""

import datetime

from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from veche.discussions.models import Discussion, Mark, Reply, Stage, Submission
from veche.identity.eligibility import Decision, check_eligibility
from veche.identity.models import EligibilityRule

# Proposals and remarks are debated; questions are the experts' to answer.
DEBATED_KINDS = (Submission.Kind.PROPOSAL, Submission.Kind.REMARK)
# Sorts of a list of proposals and remarks: the key in the address, the order.
SORTS = {
    "number": ("number",),
    "support": ("-support_count", "number"),
    "newest": ("-number",),
}


def is_debated(submission: Submission) -> bool:
    return submission.kind in DEBATED_KINDS


def debate_decision(
    user, discussion: Discussion, *, moment: datetime.datetime | None = None, requirement=None
) -> Decision:
    """Whether this person may reply to and mark the discussion's proposals and remarks now,
    with the reasons if not: the same requirement as submitting to it, while the intake is
    open (proposals and remarks come in only then, so there is nothing to debate before)."""
    stage = discussion.stage_at(moment)
    if stage != Stage.INTAKE:
        reason = (
            _("Replies and marks are taken from %(date)s, while proposals and remarks are.")
            % {"date": discussion.intake_start.isoformat()}
            if stage in (Stage.ANNOUNCED, Stage.EXPOSITION)
            else _("Replies and marks are no longer taken: the intake is closed.")
        )
        return Decision(False, (reason,))
    return check_eligibility(
        user, EligibilityRule.Action.SUBMIT, discussion, moment=moment, requirement=requirement
    )


def refusal_for(user, submission: Submission, decision: Decision, *, marking: bool) -> str:
    """Why this person may not reply to (or, `marking`, mark) this submission, or ""."""
    if not is_debated(submission):
        return _("Questions are answered by the experts; they take no replies or marks.")
    if submission.hidden_at is not None:
        return _("A hidden submission takes no replies or marks.")
    if not decision.allowed:
        return " ".join(decision.reasons)
    if marking and submission.author_id == user.pk:
        return _("You cannot support or object to your own submission.")
    return ""


def _count(model, **condition) -> Coalesce:
    counted = (
        model.objects.filter(submission=OuterRef("pk"), **condition)
        .order_by()
        .values("submission")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def with_counts(submissions: QuerySet[Submission]) -> QuerySet[Submission]:
    """Each submission with `support_count`, `object_count` and `reply_count` (visible replies),
    counted in the same query from the stored marks and replies: never a stored tally that
    could drift."""
    return submissions.annotate(
        support_count=_count(Mark, kind=Mark.Kind.SUPPORT),
        object_count=_count(Mark, kind=Mark.Kind.OBJECT),
        reply_count=_count(Reply, hidden_at__isnull=True),
    )


def with_debate(submissions, user, decision: Decision | None) -> list[Submission]:
    """The shown submissions with what this person may do on each: `my_mark` (their mark, or
    "") and `may_mark`, with this person's marks read in one query."""
    submissions = list(submissions)
    mine = {}
    if user.is_authenticated and submissions:
        mine = dict(
            Mark.objects.filter(person=user, submission__in=submissions).values_list(
                "submission_id", "kind"
            )
        )
    for submission in submissions:
        submission.my_mark = mine.get(submission.pk, "")
        submission.may_mark = bool(
            decision is not None
            and user.is_authenticated
            and not refusal_for(user, submission, decision, marking=True)
        )
    return submissions


def reply_tree(submission: Submission) -> list[tuple[Reply, list[Reply]]]:
    """Top-level replies with the replies to them, in order. A reply a moderator hid keeps its
    place, shown as a placeholder, so that the replies to it stay readable."""
    replies = list(submission.replies.select_related("author").order_by("created_at", "id"))
    children: dict[int, list[Reply]] = {}
    for reply in replies:
        if reply.parent_id:
            children.setdefault(reply.parent_id, []).append(reply)
    return [(reply, children.get(reply.pk, [])) for reply in replies if not reply.parent_id]


# --- A person's own data (for the personal-data export) ---------------------------------------


def personal_data(user) -> dict:
    """The person's replies and marks in the debate. The submissions they answered or marked
    are someone else's: they appear as numbers (the submission and its discussion), never as
    text. Erasure leaves both where they are (README, "Personal data"): a reply stays under
    the participant number, as a comment on a problem does, and a mark keeps counting, as a
    rating does."""

    def when(value):
        return value.isoformat() if value else None

    return {
        "discussion_replies": [
            {
                "id": reply.pk,
                "discussion": reply.submission.discussion_id,
                "submission": reply.submission_id,
                "reply_to": reply.parent_id,
                "participant_number": reply.participant_number,
                "text": reply.text,
                "created_at": when(reply.created_at),
                "hidden_at": when(reply.hidden_at),
                "hidden_reason": reply.hidden_reason,
            }
            for reply in Reply.objects.filter(author=user)
            .select_related("submission")
            .order_by("created_at", "id")
        ],
        "discussion_marks": [
            {
                "discussion": mark.submission.discussion_id,
                "submission": mark.submission_id,
                "kind": mark.kind,
                "created_at": when(mark.created_at),
                "changed_at": when(mark.changed_at),
            }
            for mark in Mark.objects.filter(person=user)
            .select_related("submission")
            .order_by("created_at", "id")
        ],
    }
