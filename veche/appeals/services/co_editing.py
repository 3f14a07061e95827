"""Co-editing: the author's revisions and the neighbours' proposed edits."""

import rules
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from veche.appeals.models import (
    Appeal,
    EditProposal,
    Revision,
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
    appeal = _lock(appeal)
    if not rules.has_perm("appeals.edit_appeal", author, appeal):
        raise PermissionDenied(_("Only the author edits the appeal."))
    _require_status(appeal, Status.DRAFT, Status.COLLECTING)
    current = appeal.current_revision
    if text.strip() == current.text:
        raise ValidationError(_("The text is the same as in the current revision."))
    findings = [
        f for f in screen(text=text, title=appeal.problem.title, author=author) if f.blocking
    ]
    if findings:
        raise ScreeningFailed(findings)
    revision = Revision.objects.create(
        appeal=appeal,
        number=current.number + 1,
        text=text.strip(),
        author=author,
        substantive=substantive,
        note=note.strip()[:300],
    )
    record_event(
        actor=author,
        action="appeal.revised",
        target=appeal,
        data={
            "revision": revision.number,
            "substantive": substantive,
            "proposal": proposal.pk if proposal else None,
        },
    )
    if substantive:
        _notify("revised", appeal, revision=revision.number)
    return revision


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
