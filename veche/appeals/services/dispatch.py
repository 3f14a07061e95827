"""Dispatch: sending the appeal to its addressee."""

import rules
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from veche.appeals import documents
from veche.appeals.delivery import queue_dispatch
from veche.appeals.models import (
    Appeal,
    Dispatch,
    Signature,
)
from veche.appeals.queries import forget_problem_to_sign
from veche.core.audit import record_event

from ._common import Status, _lock, _notify, _require_status


def _dispatch(appeal: Appeal, *, actor, event: str = "sent", **notice) -> Dispatch | None:
    """Mark the appeal sent and queue its delivery, once. The caller holds the appeal's lock.
    The people concerned hear of it as `event` (a forwarding tells them more than "sent")."""
    updated = Appeal.objects.filter(pk=appeal.pk, status=Status.COLLECTING).update(
        status=Status.SENT, sent_at=timezone.now(), support_sent=F("signature_count")
    )
    if not updated:
        return None
    forget_problem_to_sign(appeal.problem_id)
    # Every signature goes in this addressee's copy: after a forwarding, also those given after
    # the first dispatch (the lists the earlier addressee received stay with their signatures).
    Signature.objects.filter(appeal_id=appeal.pk, after_dispatch=True).update(after_dispatch=False)
    appeal.refresh_from_db()
    dispatch = Dispatch.objects.create(
        appeal=appeal,
        organization=appeal.organization,
        recipient=appeal.organization.dispatch_email,
        revision=appeal.current_revision,
    )
    record_event(
        actor=actor,
        action="appeal.dispatched",
        target=appeal,
        data={
            "organization": appeal.organization.slug,
            "dispatch": dispatch.pk,
            "signatures": appeal.signature_count,
        },
    )
    queue_dispatch(dispatch)
    _notify(event, appeal, **_actor(actor), **notice)
    return dispatch


def _actor(user) -> dict:
    """The notice context naming who acted, so that they are not told of their own act."""
    return {"actor": user.pk} if user is not None else {}


@transaction.atomic
def send_appeal_now(*, author, appeal: Appeal) -> Dispatch | None:
    """The author sends the appeal before the threshold; Veche delivers it."""
    appeal = _lock(appeal)
    if not rules.has_perm("appeals.send_appeal", author, appeal):
        raise PermissionDenied(_("Only the author sends the appeal."))
    _require_status(appeal, Status.COLLECTING)
    return _dispatch(appeal, actor=author)


@transaction.atomic
def record_sent_by_author(*, author, appeal: Appeal) -> Appeal:
    """The author chose to send the appeal himself (on paper, by post): signing ends, the
    author may take the addressee's full copy, and the signatories hear that their names and
    addresses go to the addressee in it."""
    appeal = _lock(appeal)
    if not rules.has_perm("appeals.send_appeal", author, appeal):
        raise PermissionDenied(_("Only the author sends the appeal."))
    _require_status(appeal, Status.COLLECTING)
    appeal.status, appeal.sent_at, appeal.sent_by_author = Status.SENT, timezone.now(), True
    appeal.save(update_fields=["status", "sent_at", "sent_by_author"])
    record_event(
        actor=author,
        action="appeal.sent_by_author",
        target=appeal,
        data={"organization": appeal.organization.slug, "signatures": appeal.signature_count},
    )
    _notify("sent_by_author", appeal, **_actor(author))
    return appeal


@transaction.atomic
def full_copy(*, user, appeal: Appeal) -> bytes:
    """The addressee's copy with every co-applicant's name and address (59-FZ), to the
    addressee's officials and to the author who sends the appeal himself; each download is
    recorded, for it hands out other people's personal data."""
    hand_out_full_copy(user=user, appeal=appeal, form="pdf")
    return documents.appeal_pdf(appeal, for_addressee=True)


@transaction.atomic
def hand_out_full_copy(*, user, appeal: Appeal, form: str) -> None:
    """Whoever receives the co-applicants' data, in whatever form (the PDF, the API's JSON),
    passes this door: the permission is asked and the handing out recorded."""
    if not rules.has_perm("appeals.take_full_copy", user, appeal):
        raise PermissionDenied(
            _(
                "Only the addressee's officials, and the author who sends the appeal himself, "
                "receive the applicants' data."
            )
        )
    if appeal.status in documents.NOT_SENT:
        raise PermissionDenied(_("The addressee receives the applicants' data once it is sent."))
    record_event(
        actor=user,
        action="appeal.full_copy_downloaded",
        target=appeal,
        data={
            "organization": appeal.organization.slug,
            "by_author": appeal.problem.author_id == user.pk,
            "form": form,
        },
    )
