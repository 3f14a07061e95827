"""The link of a staff invitation: a token signed with the site's key over the invitation's id and
its secret nonce. The row says whether it still works: a token opens only a pending invitation
before its expiry, so it works once, and a revoked invitation's link opens nothing."""

from django.core import signing
from django.utils.crypto import constant_time_compare

from veche.organizations.models import Invitation

SALT = "veche.cabinet.invitation"


def make_token(invitation: Invitation) -> str:
    return signing.dumps([invitation.pk, invitation.nonce], salt=SALT)


def invitation_for_token(token: str) -> Invitation | None:
    """The invitation the token was made for, whatever its state; None for a forged, altered or
    stale token (a nonce that is no longer the row's)."""
    try:
        pk, nonce = signing.loads(token, salt=SALT)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if not isinstance(pk, int) or not isinstance(nonce, str):
        return None
    invitation = (
        Invitation.objects.select_related("organization", "invited_by").filter(pk=pk).first()
    )
    if invitation is None or not constant_time_compare(invitation.nonce, nonce):
        return None
    return invitation
