"""Signing people in for page tests, as the real sign-in leaves the session: staff with the
second factor passed (what allauth records after the authenticator code)."""

import time

from allauth.account.authentication import AUTHENTICATION_METHODS_SESSION_KEY
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP

from veche.accounts.rules import requires_two_factor

TOTP_SECRET = "JBSWY3DPEHPK3PXP"


def enter(client, user):
    """Sign the person in; staff get an authenticator and a session that passed it."""
    if not requires_two_factor(user):
        client.force_login(user)
        return client
    authenticator = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    if authenticator is None:
        authenticator = TOTP.activate(user, TOTP_SECRET).instance
    client.force_login(user)
    session = client.session
    now = time.time()
    session[AUTHENTICATION_METHODS_SESSION_KEY] = [
        {"method": "password", "at": now, "email": user.email},
        {"method": "mfa", "at": now, "id": authenticator.pk, "type": "totp"},
    ]
    # allauth ties the records to the user they belong to (a private key of its session).
    session["account_authentication_methods_user"] = str(user.pk)
    session.save()
    return client
