"""Signing people in for page tests, as the real sign-in leaves the session: staff with the
second factor passed (what allauth records after the authenticator code). Every test's
authenticator app holds the same secret, TOTP_SECRET."""

import time
from contextlib import contextmanager

import time_machine
from allauth.account.authentication import AUTHENTICATION_METHODS_SESSION_KEY
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value

from veche.accounts.rules import requires_two_factor

TOTP_SECRET = "JBSWY3DPEHPK3PXP"


def with_second_factor(user):
    """The person has set up an authenticator app (as staff must), holding TOTP_SECRET."""
    TOTP.activate(user, TOTP_SECRET)
    return user


def current_code(secret: str = TOTP_SECRET) -> str:
    """The code the authenticator app shows now, on the test's clock (which a test may move)."""
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


@contextmanager
def a_fresh_code_period():
    """The block runs from the start of the next 30-second period of codes (the test's clock
    moved on, still ticking): a code read with current_code() is still the current one when the
    server checks it. allauth accepts the current period's code only, and a test that read the
    code in a period's last milliseconds had it refused in the next one."""
    period_start = (int(time.time()) // 30 + 1) * 30
    with time_machine.travel(period_start + 0.001, tick=True):
        yield


def code_to_type(secret: str = TOTP_SECRET, *, margin: float = 5) -> str:
    """The code a person types into a browser: when the current one has under `margin` seconds
    left, the next one (waited for), since a code typed at the very end of its 30 seconds reaches
    the server after them and is refused, as it would be for a person."""
    left = 30 - time.time() % 30
    if left < margin:
        time.sleep(left)
    return current_code(secret)


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
