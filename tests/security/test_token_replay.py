"""Token replay: every one-time secret Veche hands out works once, for its own person and
purpose, and not after it was used, superseded or tampered with — phone codes, e-mail
confirmation keys, password reset links, second-factor codes, unsubscribe links, the OpenID
Connect state and nonce, and document verification codes.

Token replay is one of the classes of Decidim's 2023–2026 advisories (issue 15); each case here
replays one of Veche's tokens.
"""

import itertools
import math
import re
import time

import pytest
from allauth.account.models import EmailAddress
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.models import SocialAccount, SocialLogin
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.db import SessionStore
from django.core import mail, signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import RequestFactory
from django.utils import translation

from tests.factories import PASSWORD, make_organization, make_staff, make_user
from tests.phone import sent_code
from tests.sign_in import a_fresh_code_period, current_code, with_second_factor
from veche.identity.models import Verification
from veche.identity.services import confirm_phone, send_phone_code
from veche.notifications.models import NotificationPreference
from veche.notifications.services import email_modes, unsubscribe_token

pytestmark = pytest.mark.django_db
NUMBER = "+79161234567"


@pytest.fixture(autouse=True)
def _english_and_sms_in_memory(settings, sms_outbox):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


# --- Phone codes ----------------------------------------------------------------------------


def test_a_used_phone_code_confirms_nothing_the_second_time():
    person = make_user()
    send_phone_code(user=person, number=NUMBER)
    code = sent_code()
    confirm_phone(user=person, code=code)
    with pytest.raises((ValidationError, PermissionDenied)):
        confirm_phone(user=person, code=code)
    assert Verification.objects.filter(user=person).count() == 1


def test_a_phone_code_sent_to_one_person_does_not_confirm_another():
    owner, thief = make_user(), make_user()
    send_phone_code(user=owner, number=NUMBER)
    send_phone_code(user=thief, number="+79160000001")
    with pytest.raises((ValidationError, PermissionDenied)):
        confirm_phone(user=thief, code=sent_code(0))
    assert not Verification.objects.filter(user=thief).exists()


# --- E-mail confirmation and password reset -------------------------------------------------


def sign_up(client, email):
    client.post(
        "/accounts/signup/",
        {"email": email, "password1": PASSWORD, "password2": PASSWORD, "consent_processing": "on"},
    )
    body = mail.outbox[-1].body
    return re.search(r"https?://[^/\s]+(/accounts/confirm-email/[^\s]+/)", body).group(1)


def test_a_confirmation_key_older_than_its_lifetime_confirms_nothing(client, monkeypatch):
    from allauth.account.models import EmailConfirmationHMAC
    from django.core.signing import time as signing_time

    sign_up(client, "late@example.org")
    address = EmailAddress.objects.get(email="late@example.org")
    four_days_ago = time.time() - 4 * 24 * 3600  # allauth's default lifetime is three days
    monkeypatch.setattr(signing_time, "time", lambda: four_days_ago)
    old_key = EmailConfirmationHMAC(address).key
    monkeypatch.undo()
    client.post(f"/accounts/confirm-email/{old_key}/")
    assert not EmailAddress.objects.get(email="late@example.org").verified
    client.post(f"/accounts/confirm-email/{EmailConfirmationHMAC(address).key}/")
    assert EmailAddress.objects.get(email="late@example.org").verified  # a fresh key works


def test_a_confirmation_key_of_a_removed_address_confirms_nothing(client):
    link = sign_up(client, "gone@example.org")
    EmailAddress.objects.filter(email="gone@example.org").delete()
    client.post(link)
    assert not EmailAddress.objects.filter(verified=True).exists()


def reset_link(client, email) -> str:
    client.post("/accounts/password/reset/", {"email": email})
    body = mail.outbox[-1].body
    return re.search(r"https?://[^/\s]+(/accounts/password/reset/key/[^\s]+/)", body).group(1)


def set_password_through(client, link, password) -> int:
    response = client.get(link, follow=True)
    form_url = response.redirect_chain[-1][0] if response.redirect_chain else link
    return client.post(form_url, {"password1": password, "password2": password}).status_code


def test_a_password_reset_link_works_once(client):
    person = make_user("reset@example.org")
    link = reset_link(client, "reset@example.org")
    assert set_password_through(client, link, "first-new-password-7") == 302
    person.refresh_from_db()
    assert person.check_password("first-new-password-7")
    again = client.__class__()
    response = again.get(link, follow=True)
    again.post(
        response.redirect_chain[-1][0] if response.redirect_chain else link,
        {"password1": "attacker-password-7", "password2": "attacker-password-7"},
    )
    person.refresh_from_db()
    assert person.check_password("first-new-password-7")


def test_a_password_reset_link_of_one_account_does_not_reset_another(client):
    make_user("victim@example.org")
    attacker = make_user("attacker@example.org")
    link = reset_link(client, "attacker@example.org")
    victim = make_user("victim2@example.org")
    uid, _key = link.rstrip("/").rsplit("/", 1)[1].split("-", 1)
    assert uid  # <uid base36>-<token>: put the victim's id in front of the attacker's token
    from django.utils.http import int_to_base36

    forged = link.replace(f"/{uid}-", f"/{int_to_base36(victim.pk)}-")
    set_password_through(client, forged, "attacker-password-7")
    victim.refresh_from_db()
    attacker.refresh_from_db()
    assert victim.check_password(PASSWORD)


# --- Second factor --------------------------------------------------------------------------


def test_a_second_factor_code_is_accepted_once(client):
    """A code seen over a shoulder or in a proxy log cannot sign in a second time."""
    official = make_staff(make_organization(), email="official@example.org")
    with_second_factor(official)

    def sign_in(browser, code) -> bool:
        browser.post("/accounts/login/", {"login": "official@example.org", "password": PASSWORD})
        browser.post("/accounts/2fa/authenticate/", {"code": code})
        return "_auth_user_id" in browser.session

    # Both tries in the code's own 30 seconds: the second is refused for having been used, not
    # for being out of date.
    with a_fresh_code_period():
        code = current_code()
        assert sign_in(client, code)
        assert not sign_in(client.__class__(), code)
        assert code == current_code()


# --- Unsubscribe links ----------------------------------------------------------------------


def test_an_unsubscribe_link_cannot_be_turned_to_another_person():
    from django.test import Client

    mine, theirs = make_user(), make_user()
    token = unsubscribe_token(mine)
    _payload, _, signature = token.partition(":")
    other_payload = signing.dumps({"user": theirs.pk}, salt="not-the-unsubscribe-salt")
    browser = Client()
    for forged in (
        f"{other_payload.partition(':')[0]}:{signature}",  # their id, my signature
        other_payload,  # signed by our key for another purpose
        signing.dumps({"user": theirs.pk}),  # signed by our key without the salt
    ):
        browser.post(f"/notifications/unsubscribe/{forged}/", {"List-Unsubscribe": "One-Click"})
    assert email_modes([theirs.pk])[theirs.pk] != NotificationPreference.EmailMode.OFF


# --- OpenID Connect state and nonce ---------------------------------------------------------


@pytest.fixture
def provider(settings):
    from veche.identity.models import IdentityProvider
    from veche.identity.services import save_identity_provider

    return save_identity_provider(
        provider=IdentityProvider(
            slug="esia",
            name={"ru": "ЕСИА", "en": "ESIA"},
            issuer="https://93.184.215.14/o",
            client_id="veche",
            client_secret="secret",
            trust_framework="ru_esia",
        )
    )


def test_an_oidc_state_is_used_once(client, provider, no_network):
    """The first callback with the state goes on to the provider (refused here, offline); the
    same state again is refused before anything is asked of the provider."""
    client.raise_request_exception = False  # the offline provider fails the first callback
    session = client.session
    session["socialaccount_states"] = {
        "state-123": [{"nonce": "n" * 32, "pkce_code_verifier": "v" * 43}, time.time(), "esia"]
    }
    session.save()
    callback = "/accounts/oidc/esia/login/callback/"
    client.get(callback, {"state": "state-123", "code": "authorization-code"})
    asked = len(no_network)
    assert asked >= 1  # the state was taken: the token exchange was attempted
    client.get(callback, {"state": "state-123", "code": "authorization-code"})
    assert len(no_network) == asked
    assert "_auth_user_id" not in client.session


def test_an_oidc_state_from_another_browser_is_refused(client, provider, no_network):
    client.get("/accounts/oidc/esia/login/callback/", {"state": "stolen", "code": "x"})
    assert no_network == []
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize(
    ("sent", "received"),
    [("n" * 32, "m" * 32), ("n" * 32, None), (None, "n" * 32), ("n" * 32, "n" * 31)],
)
def test_an_id_token_with_another_or_no_nonce_is_refused(sent, received):
    """An ID token captured from an earlier sign-in carries that sign-in's nonce."""
    from veche.identity.oidc import SocialAccountAdapter

    request = RequestFactory().get("/accounts/oidc/esia/login/callback/")
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    login = SocialLogin(
        account=SocialAccount(
            provider="esia", uid="1", extra_data={"id_token": {"nonce": received}}
        )
    )
    login.state = {"nonce": sent} if sent else {}
    with pytest.raises(ImmediateHttpResponse):
        SocialAccountAdapter().pre_social_login(request, login)


# --- Document verification codes ------------------------------------------------------------


def test_document_codes_cannot_be_guessed_one_from_another():
    from veche.documents.services import CODE_ALPHABET, CODE_LENGTH, new_code

    codes = {new_code() for _ in range(2000)}
    assert len(codes) == 2000
    assert CODE_LENGTH * math.log2(len(set(CODE_ALPHABET))) >= 96
    # Not a counter or a clock: neighbours share no long common prefix.
    ordered = sorted(codes)
    assert max(len(_prefix(a, b)) for a, b in itertools.pairwise(ordered)) < 8


def _prefix(a: str, b: str) -> str:
    length = 0
    while length < min(len(a), len(b)) and a[length] == b[length]:
        length += 1
    return a[:length]
