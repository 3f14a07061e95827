"""Co-editing: the author's revisions and the neighbours' proposed edits."""

import rules
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from veche.appeals.diff import changed_share, is_minor_share
from veche.appeals.models import (
    Appeal,
    EditProposal,
    Revision,
    Signature,
)
from veche.appeals.participants import number_of
from veche.core.audit import record_event
from veche.moderation.screening import screen

from ._common import ScreeningFailed, Status, _lock, _notify, _require_status


@transaction.atomic
def revise_appeal(
    *,
    author,
    appeal: Appeal,
    text: str,
    substantive: bool,
    note: str = "",
    proposal: EditProposal | None = None,
) -> Revision:
    """A new revision of the appeal text. Whether it is a change of substance is not the
    author's word alone: one that changes more than `VECHE_MINOR_EDIT_MAX_SHARE` of the words,
    of the current text or of the oldest one the counted signatures were given to, is one
    whatever the author ticked (a small change the author may still call substantive).

    After a change of substance the signatures of earlier texts stop counting: the appeal counts
    from this revision on (`Appeal.signatures_from`), its count is taken again from the
    signatures under the appeal's lock, the one signing takes, so it stays exact, and the
    signatories are asked to confirm the new text. The author's own signature moves to it: the
    author wrote it."""
    appeal = _lock(appeal)
    if not rules.has_perm("appeals.edit_appeal", author, appeal):
        raise PermissionDenied(_("Only the author edits the appeal."))
    _require_status(appeal, Status.DRAFT, Status.COLLECTING)
    current = appeal.current_revision
    text = text.strip()
    if text == current.text:
        raise ValidationError(_("The text is the same as in the current revision."))
    findings = [
        f for f in screen(text=text, title=appeal.problem.title, author=author) if f.blocking
    ]
    if findings:
        raise ScreeningFailed(findings)
    share = changed_share(current.text, text)
    # Measured against the oldest text the counted signatures may have been given to as well,
    # so that many small edits, each under the share, add up to no rewrite the signatories
    # never saw.
    counted_text = (
        appeal.revisions.filter(number=appeal.signatures_from).values_list("text", flat=True)
    ).first()
    drift = changed_share(counted_text, text) if counted_text is not None else share
    ticked = substantive
    substantive = ticked or not is_minor_share(max(share, drift))
    revision = Revision.objects.create(
        appeal=appeal,
        number=current.number + 1,
        text=text,
        author=author,
        substantive=substantive,
        changed_share=share,
        note=note.strip()[:300],
    )
    count_before = appeal.signature_count
    if substantive:
        _count_from(appeal, revision)
    record_event(
        actor=author,
        action="appeal.revised",
        target=appeal,
        data={
            "revision": revision.number,
            "substantive": substantive,
            "ticked_substantive": ticked,
            "changed_share": round(share, 4),
            "changed_since_counted": round(drift, 4),
            "signatures_from": appeal.signatures_from,
            "count_before": count_before,
            "count_after": appeal.signature_count,
            "proposal": proposal.pk if proposal else None,
        },
    )
    if substantive:
        _notify("revised", appeal, revision=revision.number)
    return revision


def _count_from(appeal: Appeal, revision: Revision) -> None:
    """Count the appeal's signatures from `revision` on. The caller holds the appeal's lock."""
    Signature.objects.filter(appeal=appeal, user=revision.author_id).filter(
        withdrawn_at__isnull=True, invalidation__isnull=True
    ).update(revision=revision)
    appeal.signatures_from = revision.number
    Appeal.objects.filter(pk=appeal.pk).update(signatures_from=revision.number)
    appeal.signature_count = Signature.objects.filter(appeal=appeal).counted().count()
    Appeal.objects.filter(pk=appeal.pk).update(signature_count=appeal.signature_count)


@transaction.atomic
def propose_edit(*, user, appeal: Appeal, text: str, note: str = "") -> EditProposal:
    appeal = _lock(appeal)
    if not rules.has_perm("appeals.propose_edit", user, appeal):
        raise PermissionDenied(_("Only signatories propose edits to the appeal."))
    _require_status(appeal, Status.COLLECTING)
    current = appeal.current_revision
    if text.strip() == current.text:
        raise ValidationError(_("The proposed text is the same as the current one."))
    number_of(appeal.problem_id, user.pk)
    proposal = EditProposal.objects.create(
        appeal=appeal,
        base_revision=current,
        proposer=user,
        text=text.strip(),
        note=note.strip()[:300],
    )
    record_event(
        actor=user, action="appeal.edit_proposed", target=appeal, data={"proposal": proposal.pk}
    )
    return proposal


@transaction.atomic
def decide_edit(
    *, author, proposal: EditProposal, accept: bool, substantive: bool = True
) -> EditProposal:
    proposal = EditProposal.objects.select_for_update().select_related("appeal").get(pk=proposal.pk)
    if proposal.status != EditProposal.Status.PENDING:
        raise ValidationError(_("This proposal has already been decided."))
    if not rules.has_perm("appeals.edit_appeal", author, proposal.appeal):
        raise PermissionDenied(_("Only the author decides on proposed edits."))
    if accept:
        proposal.result_revision = revise_appeal(
            author=author,
            appeal=proposal.appeal,
            text=proposal.text,
            substantive=substantive,
            note=proposal.note or _("Edit proposed by a signatory"),
            proposal=proposal,
        )
    proposal.status = EditProposal.Status.ACCEPTED if accept else EditProposal.Status.REJECTED
    proposal.decided_at = timezone.now()
    proposal.save()
    record_event(
        actor=author,
        action=f"appeal.edit_{proposal.status}",
        target=proposal.appeal,
        data={"proposal": proposal.pk},
    )
    return proposal
