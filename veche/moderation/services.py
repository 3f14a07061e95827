"""Reporting content and moderating it; every decision is kept with its reason."""

import rules
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from veche.core.audit import record_event
from veche.moderation.models import Complaint


@transaction.atomic
def report_comment(*, reporter, comment, reason: str, details: str = "") -> Complaint:
    if not reporter.is_authenticated:
        raise PermissionDenied(_("Sign in to report content."))
    try:
        with transaction.atomic():
            complaint = Complaint.objects.create(
                comment=comment, reporter=reporter, reason=reason, details=details.strip()
            )
    except IntegrityError:
        raise ValidationError(_("You have already reported this comment.")) from None
    record_event(
        actor=reporter, action="moderation.reported", target=comment, data={"reason": reason}
    )
    return complaint


@transaction.atomic
def hide_comment(*, moderator, comment, reason: str):
    if not rules.has_perm("moderation.moderate", moderator):
        raise PermissionDenied(_("Only moderators hide content."))
    if not reason.strip():
        raise ValidationError(_("Say why the comment is hidden."))
    comment.hidden_at, comment.hidden_reason = timezone.now(), reason.strip()[:300]
    comment.save(update_fields=["hidden_at", "hidden_reason"])
    Complaint.objects.filter(comment=comment, status=Complaint.Status.OPEN).update(
        status=Complaint.Status.UPHELD, decided_by=moderator, decided_at=timezone.now()
    )
    record_event(
        actor=moderator,
        action="moderation.hidden",
        target=comment,
        data={"reason": comment.hidden_reason},
    )
    return comment


@transaction.atomic
def restore_comment(*, moderator, comment, reason: str):
    if not rules.has_perm("moderation.moderate", moderator):
        raise PermissionDenied(_("Only moderators restore content."))
    comment.hidden_at, comment.hidden_reason = None, ""
    comment.save(update_fields=["hidden_at", "hidden_reason"])
    record_event(
        actor=moderator,
        action="moderation.restored",
        target=comment,
        data={"reason": reason.strip()},
    )
    return comment
