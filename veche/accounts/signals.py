"""Receivers that keep a session's sign-in facts: when the idle clock starts, and that setting
up an authenticator counts as passing the second factor."""

from allauth.account.internal.flows.login import record_authentication
from allauth.mfa.models import Authenticator

from veche.accounts.middleware import mark_seen


def start_the_idle_clock(sender, request, user, **kwargs):
    # A session kept from before this sign-in must not carry an old stamp into the new one.
    if request is not None and hasattr(request, "session"):
        mark_seen(request)


def count_enrolment_as_second_factor(sender, request, user, authenticator, **kwargs):
    """Enrolling needed a fresh password and a code from the new device: the session has
    shown both factors, so the staff member is not asked for a code again at once."""
    if request is not None and authenticator.type == Authenticator.Type.TOTP:
        record_authentication(
            request, user, "mfa", id=authenticator.pk, type=authenticator.type, enrolled=True
        )
