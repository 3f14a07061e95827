"""After the answer: rating it, closing the appeal, escalating it."""

import rules
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from veche.appeals.models import (
    Appeal,
    Problem,
    Rating,
    Revision,
)
from veche.appeals.policy import overdue, policy_for, unsolved_after_answer
from veche.core import ratelimits
from veche.core.audit import record_event
from veche.identity.eligibility import check_eligibility
from veche.identity.models import EligibilityRule

from ._common import Status, _default_rules, _lock, _notify, _refuse_unless, _require_status
from .signing import _add_signature


@transaction.atomic
def rate_answer(*, user, appeal: Appeal, score: int, comment: str = "") -> Rating:
    ratelimits.spend("rate", user)
    appeal = _lock(appeal)
    if not rules.has_perm("appeals.rate_answer", user, appeal):
        raise PermissionDenied(
            _(
                "Only signatories rate the answer, and not the staff of the organization that "
                "gave it or of one above it."
            )
        )
    if not appeal.rating_open:
        raise ValidationError(_("The answer can be rated only while the rating is open."))
    _refuse_unless(check_eligibility(user, EligibilityRule.Action.RATE, appeal))
    if not 1 <= int(score) <= 5:
        raise ValidationError(_("Rate from 1 to 5."))
    try:
        with transaction.atomic():
            rating = Rating.objects.create(
                appeal=appeal, user=user, score=int(score), comment=comment.strip()
            )
    except IntegrityError:
        raise ValidationError(_("You have already rated this answer.")) from None
    record_event(actor=user, action="appeal.rated", target=appeal, data={"score": rating.score})
    return rating


# Before the final answer the author may close the appeal only as solved: a problem that is
# not solved is escalated once the addressee is late, not closed.
OPEN_FOR_SOLVING = (Status.COLLECTING, Status.SENT, Status.REGISTERED)
OUTCOMES = (Problem.Status.SOLVED, Problem.Status.PARTLY_SOLVED, Problem.Status.UNSOLVED)
CLOSABLE = (*OPEN_FOR_SOLVING, Status.ANSWERED)


@transaction.atomic
def close_appeal(*, author, appeal: Appeal, outcome: str) -> Appeal:
    """The author closes the appeal: as solved at any time, or, after the final answer, as
    partly solved or not solved. Closing does not end the rating window: signatories rate the
    final answer until `rating_until` whatever the author does."""
    appeal = _lock(appeal)
    if not rules.has_perm("appeals.close_appeal", author, appeal):
        raise PermissionDenied(_("Only the author closes the appeal."))
    if outcome not in OUTCOMES:
        raise ValidationError(_("Choose how the problem ended."))
    if outcome == Problem.Status.SOLVED:
        _require_status(appeal, *CLOSABLE)
    elif appeal.status in OPEN_FOR_SOLVING:
        raise ValidationError(
            _(
                "Before the answer the appeal is closed only as solved. If the organization "
                "is late, escalate it instead."
            )
        )
    else:
        _require_status(appeal, Status.ANSWERED)
    before_answer = appeal.status in (Status.SENT, Status.REGISTERED)
    previous_status = appeal.status
    now = timezone.now()
    appeal.status, appeal.outcome, appeal.closed_at = Status.CLOSED, outcome, now
    appeal.save(update_fields=["status", "outcome", "closed_at"])
    Problem.objects.filter(pk=appeal.problem_id).update(status=outcome, closed_at=now)
    record_event(
        actor=author,
        action="appeal.closed",
        target=appeal,
        data={"outcome": outcome, "from": previous_status},
    )
    # The addressee still working on it hears that the applicants need no answer any more.
    _notify("closed", appeal, outcome=outcome, before_answer=before_answer)
    return appeal


@transaction.atomic
def escalate_appeal(*, author, appeal: Appeal, organization) -> Appeal:
    """The problem goes to the parent or another organization in a new appeal that carries the
    history: after a final answer that did not solve it (the appeal closed as not or partly
    solved), or when the addressee is late (not registered within the registration days, or
    not answered by the due date), whatever it did before. The missed deadline is kept with
    the earlier appeal and shown to the new addressee and the public. Old signatories are
    invited to sign again, never carried over."""
    appeal = _lock(appeal)
    if not rules.has_perm("appeals.escalate_appeal", author, appeal):
        raise PermissionDenied(_("Only the author escalates the appeal."))
    if Appeal.objects.filter(previous=appeal).exists():
        raise ValidationError(_("This appeal has already been escalated."))
    if appeal.status == Status.CLOSED and appeal.outcome == Problem.Status.SOLVED:
        raise ValidationError(_("A solved problem is not escalated."))
    late = overdue(appeal)
    if late is None and not unsolved_after_answer(appeal):
        raise ValidationError(
            _(
                "The appeal is escalated after an answer that did not solve the problem, or "
                "when the organization did not register or answer it in time."
            )
        )
    if organization == appeal.organization:
        raise ValidationError(_("Choose another organization."))
    appeal.status, appeal.escalated_at = Status.ESCALATED, timezone.now()
    if late is not None:
        appeal.missed_deadline, appeal.missed_deadline_on = late.deadline, late.due
    appeal.save(update_fields=["status", "escalated_at", "missed_deadline", "missed_deadline_on"])
    new = Appeal.objects.create(
        problem=appeal.problem,
        organization=organization,
        previous=appeal,
        status=Status.COLLECTING,
        signature_threshold=policy_for(organization).signature_threshold,
    )
    Revision.objects.create(
        appeal=new,
        number=1,
        text=appeal.current_revision.text,
        author=author,
        note=_("Escalated from the previous appeal"),
    )
    Problem.objects.filter(pk=appeal.problem_id).update(
        status=Problem.Status.PUBLISHED, closed_at=None, current_appeal=new
    )
    _default_rules(new)
    facts = {"previous": appeal.pk, "organization": organization.slug}
    if late is not None:
        facts |= {
            "missed_deadline": late.deadline,
            "missed_deadline_on": late.due.isoformat(),
            "days_late": late.days_late,
            "sent_at": appeal.sent_at.isoformat() if appeal.sent_at else None,
            "registration_number": appeal.registration_number,
        }
    record_event(actor=author, action="appeal.escalated", target=new, data=facts)
    _notify("escalated", appeal, new_appeal=new.pk, missed=late is not None)
    decision = check_eligibility(author, EligibilityRule.Action.SIGN, new)
    if decision.allowed:
        _add_signature(author, new, decision)
    return new
