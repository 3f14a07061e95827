"""Reporting content and moderating it. Every act of a moderator is a `Decision` with its
published ground, an audit row, and, when it is taken against an author, a notice telling them
what was decided, on which ground and by whom (the role, never the name); the author may contest
it once, and a second moderator decides the contest.

What may be reported is what a product app registered in `moderation.registry`; the services
read and hide it only through its registered kind."""

import datetime

import rules
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from veche.core.audit import record_event
from veche.moderation import registry
from veche.moderation.blocks import block_in_force
from veche.moderation.models import Complaint, Contest, Decision, Ground
from veche.moderation.registry import ModeratedKind
from veche.notifications.services import announce


def _kind_of(target) -> ModeratedKind:
    kind = registry.kind_of(target)
    if kind is None:
        raise ValidationError(
            _("Content of this kind (%(kind)s) is not moderated: it cannot be reported or hidden.")
            % {"kind": target._meta.verbose_name}
        )
    return kind


def _locked(kind: ModeratedKind, target):
    """The target as stored, locked for this transaction; refused if it is not there."""
    item = (
        kind.model._default_manager.select_for_update().filter(pk=target.pk).first()
        if target.pk is not None
        else None
    )
    if item is None:
        raise ValidationError(
            _("Not found: %(kind)s No. %(id)s.") % {"kind": kind.label, "id": target.pk}
        )
    return item


def _already_hidden(kind: ModeratedKind, item) -> ValidationError:
    return ValidationError(
        _("Already hidden by a moderator: %(kind)s No. %(id)s.")
        % {"kind": kind.label, "id": item.pk}
    )


def _check_moderator(user, message: str) -> None:
    if not rules.has_perm("moderation.moderate", user):
        raise PermissionDenied(message)


def _check_not_theirs(moderator, item) -> None:
    """Nobody is judge of their own content: what a moderator (or an administrator) wrote is
    decided by another moderator, as a resident's is, so that hiding, restoring, approving or
    clearing it is never the author's own say. Asked after `_check_moderator`, so a refusal here
    is about the item."""
    if item is not None and not rules.has_perm("moderation.moderate", moderator, item):
        raise PermissionDenied(_("You wrote this: another moderator decides about it."))


@transaction.atomic
def report_content(*, reporter, target, reason: str, details: str = "") -> Complaint:
    if not reporter.is_authenticated:
        raise PermissionDenied(_("Sign in to report content."))
    kind = _kind_of(target)
    item = _locked(kind, target)
    if kind.is_hidden(item):
        raise _already_hidden(kind, item)
    try:
        with transaction.atomic():
            complaint = Complaint.objects.create(
                target=item, reporter=reporter, reason=reason, details=details.strip()
            )
    except IntegrityError:
        raise ValidationError(
            _("You have already reported this; a moderator will look at it.")
        ) from None
    record_event(actor=reporter, action="moderation.reported", target=item, data={"reason": reason})
    return complaint


def _check_ground(ground: str) -> str:
    if ground not in Ground.values:
        raise ValidationError(_("Choose a ground from the published list."))
    return ground


def _decision(*, moderator, action: str, kind=None, item=None, **fields) -> Decision:
    if item is not None:
        fields.setdefault("author", kind.author(item))
        fields |= {"target": item, "excerpt": kind.text(item)[:5000]}
    fields.setdefault("created_at", timezone.now())
    decision = Decision.objects.create(action=action, moderator=moderator, **fields)
    if action in (*Decision.AGAINST_AUTHOR, *Decision.FOR_AUTHOR) and decision.author_id:
        # The author hears of it, not the moderator (the notice names the role only).
        announce(subject=decision, event="taken", context={"actor": moderator.pk})
    return decision


def _audit(moderator, action: str, item, decision: Decision, **data) -> None:
    record_event(
        actor=moderator,
        action=f"moderation.{action}",
        target=item,
        data={"decision": decision.pk, **{key: value for key, value in data.items() if value}},
    )


def _complaint_about(complaint: Complaint | None, item) -> Complaint | None:
    if complaint is None:
        return None
    if (complaint.content_type_id, complaint.object_id) != (
        ContentType.objects.get_for_model(item).pk,
        item.pk,
    ):
        raise ValidationError(_("The report is about something else."))
    return complaint


@transaction.atomic
def hide_content(
    *, moderator, target, ground: str, note: str = "", complaint: Complaint | None = None
):
    """Hides the item from the public on a published ground and upholds the open complaints
    about it; its author is told."""
    _check_moderator(moderator, _("Only moderators hide content."))
    _check_ground(ground)
    kind = _kind_of(target)
    item = _locked(kind, target)
    _check_not_theirs(moderator, item)
    if kind.is_hidden(item):
        raise _already_hidden(kind, item)
    now = timezone.now()
    kind.set_hidden(item, at=now, reason=ground)
    decision = _decision(
        moderator=moderator,
        action=Decision.Action.HIDE,
        kind=kind,
        item=item,
        ground=ground,
        note=note.strip(),
        complaint=_complaint_about(complaint, item),
    )
    Complaint.objects.about(item).filter(status=Complaint.Status.OPEN).update(
        status=Complaint.Status.UPHELD, decided_by=moderator, decided_at=now
    )
    _audit(moderator, "hidden", item, decision, ground=ground, note=note.strip())
    return item


def _show_again(kind: ModeratedKind, item, moderator, now) -> None:
    kind.set_hidden(item, at=None)
    Complaint.objects.about(item).filter(status=Complaint.Status.UPHELD).update(
        status=Complaint.Status.DISMISSED, decided_by=moderator, decided_at=now
    )


@transaction.atomic
def restore_content(*, moderator, target, note: str = ""):
    """Shows a hidden item again; the complaints that hid it are dismissed by the same act."""
    _check_moderator(moderator, _("Only moderators restore content."))
    kind = _kind_of(target)
    item = _locked(kind, target)
    _check_not_theirs(moderator, item)
    if not kind.is_hidden(item):
        raise ValidationError(
            _("Not hidden: %(kind)s No. %(id)s.") % {"kind": kind.label, "id": item.pk}
        )
    _show_again(kind, item, moderator, timezone.now())
    decision = _decision(
        moderator=moderator, action=Decision.Action.RESTORE, kind=kind, item=item, note=note
    )
    _audit(moderator, "restored", item, decision, note=note.strip())
    return item


@transaction.atomic
def dismiss_complaint(*, moderator, complaint: Complaint, note: str = "") -> Complaint:
    """The moderator found nothing wrong: the complaint is closed and the content stays."""
    _check_moderator(moderator, _("Only moderators dismiss complaints."))
    complaint = Complaint.objects.select_for_update().get(pk=complaint.pk)
    # Clearing the reports about one's own text would keep it up on one's own say.
    _check_not_theirs(moderator, complaint.target)
    if complaint.status != Complaint.Status.OPEN:
        raise ValidationError(_("This complaint has already been decided."))
    complaint.status = Complaint.Status.DISMISSED
    complaint.decided_by, complaint.decided_at = moderator, timezone.now()
    complaint.save(update_fields=["status", "decided_by", "decided_at"])
    decision = _decision(
        moderator=moderator,
        action=Decision.Action.DISMISS,
        content_type_id=complaint.content_type_id,
        object_id=complaint.object_id,
        complaint=complaint,
        note=note.strip(),
    )
    record_event(
        actor=moderator,
        action="moderation.dismissed",
        target=complaint,
        data={
            "about": ContentType.objects.get_for_id(complaint.content_type_id).model,
            "id": complaint.object_id,
            "decision": decision.pk,
        },
    )
    return complaint


def _author_of(kind: ModeratedKind, item):
    author = kind.author(item)
    if author is None or not author.is_active:
        raise ValidationError(_("This content has no author to warn or block."))
    return author


@transaction.atomic
def warn_author(
    *, moderator, target, ground: str, note: str = "", complaint: Complaint | None = None
) -> Decision:
    """A warning to the author of the item, on a published ground; the item stays as it is."""
    _check_moderator(moderator, _("Only moderators warn authors."))
    _check_ground(ground)
    kind = _kind_of(target)
    item = _locked(kind, target)
    _check_not_theirs(moderator, item)
    author = _author_of(kind, item)
    decision = _decision(
        moderator=moderator,
        action=Decision.Action.WARN,
        kind=kind,
        item=item,
        author=author,
        ground=ground,
        note=note.strip(),
        complaint=_complaint_about(complaint, item),
    )
    _audit(moderator, "warned", item, decision, ground=ground, author=author.pk)
    return decision


@transaction.atomic
def block_author(
    *,
    moderator,
    target,
    ground: str,
    days: int | None,
    note: str = "",
    complaint: Complaint | None = None,
) -> Decision:
    """Blocks the author of the item for `days`, or for good (`days` None): until it ends they
    publish, sign, comment and submit nothing (`moderation.blocks`)."""
    _check_moderator(moderator, _("Only moderators block accounts."))
    _check_ground(ground)
    if days is not None and not 1 <= days <= settings.VECHE_MODERATION_MAX_BLOCK_DAYS:
        longest = settings.VECHE_MODERATION_MAX_BLOCK_DAYS
        raise ValidationError(
            ngettext(
                "A block lasts from 1 to %(max)s day, or for good.",
                "A block lasts from 1 to %(max)s days, or for good.",
                longest,
            )
            % {"max": longest}
        )
    kind = _kind_of(target)
    item = _locked(kind, target)
    author = _author_of(kind, item)
    if author.pk == moderator.pk:
        raise ValidationError(_("A moderator does not block their own account."))
    if rules.has_perm("moderation.moderate", author):
        raise ValidationError(_("Moderators and administrators are not blocked here."))
    # Blocks of one person are taken one at a time: the person's row is the lock.
    type(author)._default_manager.select_for_update().filter(pk=author.pk).first()
    current = block_in_force(author)
    if current is not None:
        raise ValidationError(_("This account is already blocked."))
    now = timezone.now()
    until = now + datetime.timedelta(days=days) if days is not None else None
    decision = _decision(
        moderator=moderator,
        action=Decision.Action.BLOCK,
        kind=kind,
        item=item,
        author=author,
        ground=ground,
        note=note.strip(),
        blocked_until=until,
        created_at=now,
        complaint=_complaint_about(complaint, item),
    )
    _audit(
        moderator,
        "blocked",
        item,
        decision,
        ground=ground,
        author=author.pk,
        until=until.isoformat() if until else "for good",
    )
    return decision


@transaction.atomic
def lift_block(*, moderator, block: Decision, reason: str) -> Decision:
    """Ends a block in force before its time, outside any contest, for a reason the person is
    told (a `lift` decision naming the block)."""
    _check_moderator(moderator, _("Only moderators lift blocks."))
    block = Decision.objects.select_for_update().filter(pk=block.pk).first()
    if block is None or block.action != Decision.Action.BLOCK:
        raise ValidationError(_("This decision is not a block."))
    if block.author_id == moderator.pk:
        # Someone blocked before they became a moderator does not end their own block.
        raise PermissionDenied(_("A block on your own account is lifted by another moderator."))
    if not Decision.objects.filter(pk=block.pk).blocks_in_force().exists():
        raise ValidationError(_("This block is no longer in force."))
    if not reason.strip():
        raise ValidationError(_("Say why the block is lifted."))
    now = timezone.now()
    block.lifted_at = now
    block.save(update_fields=["lifted_at"])
    decision = _decision(
        moderator=moderator,
        action=Decision.Action.LIFT,
        author=block.author,
        note=reason.strip()[:1000],
        lifts=block,
        content_type_id=block.content_type_id,
        object_id=block.object_id,
        created_at=now,
    )
    record_event(
        actor=moderator,
        action="moderation.block_lifted",
        target=block,
        data={"decision": decision.pk, "author": block.author_id, "reason": reason.strip()},
    )
    return decision


# --- Pre-moderation --------------------------------------------------------------------------


def _held(kind: ModeratedKind, item):
    if kind.prepublication is None or not kind.prepublication.is_awaiting(item):
        raise ValidationError(
            _("%(kind)s No. %(id)s is not awaiting moderation.")
            % {"kind": str(kind.label).capitalize(), "id": item.pk}
        )
    return kind.prepublication


@transaction.atomic
def approve_content(*, moderator, target, note: str = ""):
    """Publishes an item held for pre-moderation, with every effect of publishing it; its
    author is told."""
    _check_moderator(moderator, _("Only moderators approve content."))
    kind = _kind_of(target)
    item = _locked(kind, target)
    _check_not_theirs(moderator, item)
    _held(kind, item).publish(item, moderator)
    decision = _decision(
        moderator=moderator, action=Decision.Action.APPROVE, kind=kind, item=item, note=note.strip()
    )
    _audit(moderator, "approved", item, decision, note=note.strip())
    return item


@transaction.atomic
def refuse_content(*, moderator, target, ground: str, note: str = ""):
    """Refuses to publish an item held for pre-moderation, on a published ground; its author is
    told the ground and may contest the refusal once (reversed, the item is published)."""
    _check_moderator(moderator, _("Only moderators refuse content."))
    _check_ground(ground)
    kind = _kind_of(target)
    item = _locked(kind, target)
    _check_not_theirs(moderator, item)
    _held(kind, item).refuse(item)
    decision = _decision(
        moderator=moderator,
        action=Decision.Action.REFUSE,
        kind=kind,
        item=item,
        ground=ground,
        note=note.strip(),
    )
    _audit(moderator, "refused", item, decision, ground=ground, note=note.strip())
    return decision


# --- Contests -------------------------------------------------------------------------------


def within_contest_window(decision: Decision) -> bool:
    window = datetime.timedelta(days=settings.VECHE_MODERATION_CONTEST_DAYS)
    return timezone.now() <= decision.created_at + window


@transaction.atomic
def contest_decision(*, user, decision: Decision, text: str) -> Contest:
    """The author objects to a decision against them, once, within the contest window."""
    decision = Decision.objects.select_for_update().get(pk=decision.pk)
    if not rules.has_perm("moderation.contest_decision", user, decision):
        raise PermissionDenied(_("Only the person a decision was taken against contests it."))
    if not decision.may_be_contested:
        raise ValidationError(_("This decision cannot be contested."))
    if Contest.objects.filter(decision=decision).exists():
        raise ValidationError(_("You have already contested this decision: it is contested once."))
    if not within_contest_window(decision):
        days = settings.VECHE_MODERATION_CONTEST_DAYS
        raise ValidationError(
            ngettext(
                "A decision is contested within %(days)s day; this time has passed.",
                "A decision is contested within %(days)s days; this time has passed.",
                days,
            )
            % {"days": days}
        )
    if not text.strip():
        raise ValidationError(_("Say why the decision is wrong."))
    contest = Contest.objects.create(decision=decision, author=user, text=text.strip()[:2000])
    record_event(
        actor=user, action="moderation.contested", target=decision, data={"contest": contest.pk}
    )
    return contest


def _reverse(decision: Decision, moderator, now) -> None:
    """Undo what a decision did: show the content again, publish what was refused, lift the
    block."""
    kind = (
        registry.kind_for(ContentType.objects.get_for_id(decision.content_type_id))
        if (decision.content_type_id)
        else None
    )
    item = (
        kind.model._default_manager.select_for_update().filter(pk=decision.object_id).first()
        if kind
        else None
    )
    if decision.action == Decision.Action.HIDE:
        if item is not None and kind.is_hidden(item):
            _show_again(kind, item, moderator, now)
    elif decision.action == Decision.Action.REFUSE:
        hooks = kind.prepublication if kind else None
        if item is not None and hooks is not None and hooks.is_refused(item):
            hooks.publish(item, moderator)
    elif decision.action == Decision.Action.BLOCK and decision.lifted_at is None:
        decision.lifted_at = now
        decision.save(update_fields=["lifted_at"])


def why_not_decide(user, contest: Contest) -> str:
    """Why the person may not decide the contest (`moderation.decide_contest` said no), in words
    for them."""
    if rules.has_perm("moderation.contest_decision", user, contest.decision):
        return _("The decision is about your own content: another moderator decides the contest.")
    return _("A contest is decided by another moderator than the one who took the decision.")


@transaction.atomic
def decide_contest(*, moderator, contest: Contest, uphold: bool, answer: str) -> Contest:
    """A second moderator upholds the decision or reverses it (the content is shown again, the
    block lifted); the author is told, with the answer."""
    contest = Contest.objects.select_for_update().select_related("decision").get(pk=contest.pk)
    if not rules.has_perm("moderation.decide_contest", moderator, contest):
        raise PermissionDenied(why_not_decide(moderator, contest))
    if contest.outcome:
        raise ValidationError(_("This contest has already been decided."))
    if not answer.strip():
        raise ValidationError(_("Give the author your reasons."))
    now = timezone.now()
    decision = Decision.objects.select_for_update().get(pk=contest.decision_id)
    if not uphold:
        _reverse(decision, moderator, now)
    contest.outcome = Contest.Outcome.UPHELD if uphold else Contest.Outcome.REVERSED
    contest.answer, contest.decided_by, contest.decided_at = answer.strip()[:2000], moderator, now
    contest.save(update_fields=["outcome", "answer", "decided_by", "decided_at"])
    record_event(
        actor=moderator,
        action="moderation.contest_decided",
        target=decision,
        data={"contest": contest.pk, "outcome": contest.outcome},
    )
    announce(subject=decision, event="contest_decided", context={"actor": moderator.pk})
    return contest
