"""Erasure of an account: what appeals keep about a person."""

from veche.appeals.models import (
    Appeal,
    Follow,
    Signature,
)

from ._common import NOT_SENT, _lock
from .signing import _withdraw


def erase_personal_data(user) -> None:
    """What erasing an account does here (README, "Personal data"). Runs inside the erasure's
    transaction.

    - A signature on an appeal not yet sent (draft or collecting) is withdrawn: counted out
      under the appeal's lock, as when the person withdraws it, so the appeal is never sent
      with them. So is one awaiting the confirmation of a text changed in substance, whatever
      became of the appeal: it counted nowhere and reached nobody, so nothing is counted out.
    - A signature on a sent appeal keeps counting (the appeal went with it), but the platform's
      copy of the 59-FZ data (name, postal address, e-mail) is blanked: staff and any later
      copy show an anonymous participant. The copy the addressee received is theirs. The
      keyed hash of the network it came from (`source`, kept for the fraud checks) goes too.
    - Follows go. Problems, appeal texts, comments and ratings stay, under the anonymous
      participant number the account keeps.
    """
    active = Signature.objects.filter(user=user, withdrawn_at__isnull=True)
    appeal_ids = (
        (active.filter(appeal__status__in=NOT_SENT) | active.awaiting_confirmation())
        .order_by("appeal_id")  # locks taken in one order: two erasures never deadlock
        .values_list("appeal_id", flat=True)
    )
    for appeal in Appeal.objects.filter(pk__in=list(appeal_ids)).order_by("pk"):
        appeal = _lock(appeal)
        # Not sent meanwhile by a signature before the lock; or, sent, an appeal whose
        # addressee never had this signature (`_withdraw` counts out only what counted).
        awaiting = active.awaiting_confirmation().filter(appeal=appeal).exists()
        if appeal.status in NOT_SENT or awaiting:
            _withdraw(user, appeal, reason="account erased")
    Signature.objects.filter(user=user).update(full_name="", postal_address="", email="", source="")
    Follow.objects.filter(user=user).delete()
