"""Supplementary lists: the signatures given after the dispatch, sent on to the addressee as the
support grows (each time it multiplies by `VECHE_SUPPLEMENTARY_FACTOR`) and with the first reminder
of an overdue answer. The answer's due date does not change."""

import datetime

import rules
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from veche.appeals.delivery import queue_supplementary_list
from veche.appeals.models import (
    SUPPLEMENTED_STATUSES,
    Appeal,
    Signature,
    SupplementaryList,
)
from veche.appeals.policy import overdue_q
from veche.core.audit import record_event

from ._common import _lock


def list_is_due(appeal: Appeal) -> bool:
    """Whether the support has grown enough over what the addressee received for a list."""
    return appeal.signature_count >= settings.VECHE_SUPPLEMENTARY_FACTOR * max(
        appeal.support_sent, 1
    )


def _pending(appeal: Appeal):
    # Counted ones only: a signature awaiting the confirmation of a changed text goes nowhere.
    return Signature.objects.counted().filter(
        appeal_id=appeal.pk, after_dispatch=True, supplementary_list__isnull=True
    )


def make_supplementary_list(appeal: Appeal, *, reason: str) -> SupplementaryList | None:
    """List every signature given since the last document the addressee received, numbered on
    from it, and queue its letter. The caller holds the appeal's lock (the one signing takes), so
    a signature is listed once and two signings crossing the doubling make one list."""
    signature_ids = list(_pending(appeal).order_by("created_at", "id").values_list("pk", flat=True))
    if not signature_ids:
        return None
    number = SupplementaryList.objects.filter(appeal_id=appeal.pk).count() + 1
    supplementary = SupplementaryList.objects.create(
        appeal=appeal,
        organization=appeal.organization,
        recipient=appeal.organization.dispatch_email,
        number=number,
        first_number=appeal.support_sent + 1,
        count=len(signature_ids),
        support=appeal.signature_count,
        reason=reason,
    )
    Signature.objects.filter(pk__in=signature_ids).update(supplementary_list=supplementary)
    appeal.support_sent += len(signature_ids)
    Appeal.objects.filter(pk=appeal.pk).update(support_sent=appeal.support_sent)
    record_event(
        actor=None,
        action="appeal.supplementary_list_sent",
        target=appeal,
        data={
            "list": supplementary.pk,
            "number": number,
            "signatures": len(signature_ids),
            "first": supplementary.first_number,
            "support": appeal.signature_count,
            "reason": reason,
            "organization": appeal.organization.slug,
        },
    )
    queue_supplementary_list(supplementary)
    return supplementary


def send_lists_with_reminders(today: datetime.date | None = None) -> list[SupplementaryList]:
    """The daily round: an appeal whose answer is overdue sends its addressee the signatures
    given since the last list, once, with the first reminder (`notify_overdue_appeals`)."""
    today = today or timezone.localdate()
    reminded = SupplementaryList.objects.filter(
        appeal=OuterRef("pk"),
        organization=OuterRef("organization"),
        reason=SupplementaryList.Reason.REMINDER,
    )
    pending = Signature.objects.counted().filter(
        appeal=OuterRef("pk"), after_dispatch=True, supplementary_list__isnull=True
    )
    # Late as the lists and the league say (`policy.overdue_q`), with the answer: the reminders
    # it goes with are of registered appeals.
    candidates = (
        Appeal.objects.filter(status=Appeal.Status.REGISTERED, sent_by_author=False)
        .filter(overdue_q(today))
        .filter(Exists(pending), ~Exists(reminded))
    )
    made = []
    for appeal_id in candidates.values_list("pk", flat=True):
        with transaction.atomic():
            appeal = _lock(Appeal(pk=appeal_id))
            if appeal.status not in SUPPLEMENTED_STATUSES or appeal.sent_by_author:
                continue
            if SupplementaryList.objects.filter(
                appeal=appeal,
                organization=appeal.organization,
                reason=SupplementaryList.Reason.REMINDER,
            ).exists():
                continue
            supplementary = make_supplementary_list(
                appeal, reason=SupplementaryList.Reason.REMINDER
            )
        if supplementary is not None:
            made.append(supplementary)
    return made


@transaction.atomic
def hand_out_supplementary_list(*, user, supplementary: SupplementaryList) -> None:
    """A supplementary list names co-applicants with their addresses: it goes through the same
    door as the full copy, and each handing out is recorded."""
    appeal = supplementary.appeal
    if not rules.has_perm("appeals.take_full_copy", user, appeal):
        raise PermissionDenied(_("Only the addressee's officials receive the applicants' data."))
    if supplementary.organization_id != appeal.organization_id:
        raise PermissionDenied(_("This list was sent to another addressee."))
    record_event(
        actor=user,
        action="appeal.supplementary_list_downloaded",
        target=appeal,
        data={"list": supplementary.pk, "organization": appeal.organization.slug},
    )
