"""Reporting content and moderating it; every decision is kept with its reason.

What may be reported is what a product app registered in `moderation.registry`; the services
read and hide it only through its registered kind."""

import rules
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from veche.core.audit import record_event
from veche.moderation import registry
from veche.moderation.models import Complaint
from veche.moderation.registry import ModeratedKind


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


@transaction.atomic
def hide_content(*, moderator, target, reason: str):
    """Hides the item from the public and upholds the open complaints about it."""
    _check_moderator(moderator, _("Only moderators hide content."))
    if not reason.strip():
        raise ValidationError(_("Say why the content is hidden."))
    kind = _kind_of(target)
    item = _locked(kind, target)
    if kind.is_hidden(item):
        raise _already_hidden(kind, item)
    reason = reason.strip()[:300]
    now = timezone.now()
    kind.set_hidden(item, at=now, reason=reason)
    Complaint.objects.about(item).filter(status=Complaint.Status.OPEN).update(
        status=Complaint.Status.UPHELD, decided_by=moderator, decided_at=now
    )
    record_event(actor=moderator, action="moderation.hidden", target=item, data={"reason": reason})
    return item


@transaction.atomic
def restore_content(*, moderator, target, reason: str = ""):
    """Shows a hidden item again; the complaints that hid it are dismissed by the same act."""
    _check_moderator(moderator, _("Only moderators restore content."))
    kind = _kind_of(target)
    item = _locked(kind, target)
    if not kind.is_hidden(item):
        raise ValidationError(
            _("Not hidden: %(kind)s No. %(id)s.") % {"kind": kind.label, "id": item.pk}
        )
    now = timezone.now()
    kind.set_hidden(item, at=None)
    Complaint.objects.about(item).filter(status=Complaint.Status.UPHELD).update(
        status=Complaint.Status.DISMISSED, decided_by=moderator, decided_at=now
    )
    record_event(
        actor=moderator,
        action="moderation.restored",
        target=item,
        data={"reason": reason.strip()},
    )
    return item


@transaction.atomic
def dismiss_complaint(*, moderator, complaint: Complaint) -> Complaint:
    """The moderator found nothing wrong: the complaint is closed and the content stays."""
    _check_moderator(moderator, _("Only moderators dismiss complaints."))
    complaint = Complaint.objects.select_for_update().get(pk=complaint.pk)
    if complaint.status != Complaint.Status.OPEN:
        raise ValidationError(_("This complaint has already been decided."))
    complaint.status = Complaint.Status.DISMISSED
    complaint.decided_by, complaint.decided_at = moderator, timezone.now()
    complaint.save(update_fields=["status", "decided_by", "decided_at"])
    record_event(
        actor=moderator,
        action="moderation.dismissed",
        target=complaint,
        data={
            "about": ContentType.objects.get_for_id(complaint.content_type_id).model,
            "id": complaint.object_id,
        },
    )
    return complaint
