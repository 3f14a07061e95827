"""Declarations of ownership under review, and erasure of an account."""

import rules
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from veche.core.audit import record_event


@transaction.atomic
def review_property_claim(*, claim, reviewer, accept: bool, reason: str = ""):
    """An organizer accepts or rejects a declaration of ownership; a rejection needs a reason."""
    from veche.identity.models import PropertyClaim

    claim = PropertyClaim.objects.select_for_update().select_related("territory").get(pk=claim.pk)
    if not rules.has_perm("identity.review_property_claim", reviewer, claim):
        if claim.user_id == reviewer.pk:
            raise PermissionDenied(_("Nobody reviews their own declaration."))
        raise PermissionDenied(_("Only organizers answering for this territory review it."))
    if claim.status != PropertyClaim.Status.PENDING:
        raise ValidationError(_("This declaration has already been reviewed."))
    if not accept and not reason.strip():
        raise ValidationError(_("Say why the declaration is rejected."))
    claim.status = PropertyClaim.Status.ACCEPTED if accept else PropertyClaim.Status.REJECTED
    claim.reviewed_by, claim.reviewed_at, claim.review_reason = reviewer, timezone.now(), reason
    claim.save()
    record_event(
        actor=reviewer,
        action=f"identity.property_{claim.status}",
        target=claim,
        data={"reason": reason},
    )
    return claim


def erase_personal_data(user) -> None:
    """On erasure of the account: verifications, phone codes and property claims with their
    documents go; nothing of them is needed once the person is gone (README, "Personal data")."""
    user.verifications.all().delete()
    user.phone_codes.all().delete()
    for claim in user.property_claims.all():
        storage, name = claim.document.storage, claim.document.name
        claim.delete()
        if name:
            # The file goes once the erasure is committed; a rollback keeps both.
            transaction.on_commit(lambda s=storage, n=name: s.delete(n), robust=True)
