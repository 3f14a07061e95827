"""Signing in through an OpenID Connect provider, over real HTTP against the demo provider.

The browser is played by a `requests` session; Veche's live server talks to the demo provider
(a separate process) for discovery, token and userinfo, exactly as with a national provider.
"""

import datetime
import re
import time
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest
import requests
from allauth.socialaccount.models import SocialAccount, SocialApp
from allauth.socialaccount.providers.oauth2.client import OAuth2Error
from allauth.socialaccount.providers.openid_connect.views import OpenIDConnectOAuth2Adapter
from cryptography.hazmat.primitives.asymmetric import rsa
from django.contrib.sessions.backends.db import SessionStore

from tests import idp_fixture
from veche.accounts.models import User
from veche.demo.loader import load_people_and_places
from veche.identity.eligibility import age_on, legal_entity_of, person_facts
from veche.identity.legal_entities import LegalEntity
from veche.identity.models import IdentityProvider, Level
from veche.identity.oidc import VecheOIDCAdapter
from veche.identity.services import save_identity_provider

demo_idp = idp_fixture.demo_idp
pytestmark = pytest.mark.django_db(transaction=True)

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture
def veche(live_server, demo_idp):
    load_people_and_places()  # the provider, the districts, the people; no more is needed
    provider = IdentityProvider.objects.get(slug="demo-esia")
    provider.issuer = demo_idp.issuer
    provider.client_secret = demo_idp.client_secret
    save_identity_provider(provider=provider)
    return live_server.url


def form_fields(html: str) -> dict:
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', html))


def start_sign_in(browser: requests.Session, veche: str) -> str:
    """Ask Veche to sign in with the provider; returns the provider's authorization URL."""
    page = browser.get(f"{veche}/accounts/oidc/demo-esia/login/")
    response = browser.post(
        f"{veche}/accounts/oidc/demo-esia/login/",
        data={"csrfmiddlewaretoken": CSRF.search(page.text).group(1)},
        headers={"Referer": page.url},
        allow_redirects=False,
    )
    assert response.status_code == 302
    return response.headers["Location"]


def consent_at_provider(browser: requests.Session, authorize_url: str, username: str) -> str:
    """Sign in at the provider as a demo citizen and allow; returns Veche's callback URL."""
    sign_in = browser.get(authorize_url)
    base = f"{urlsplit(sign_in.url).scheme}://{urlsplit(sign_in.url).netloc}"
    consent = browser.post(
        f"{base}/sign-in/as/",
        data={
            "csrfmiddlewaretoken": CSRF.search(sign_in.text).group(1),
            "username": username,
            "next": parse_qs(urlsplit(sign_in.url).query)["next"][0],
        },
        headers={"Referer": sign_in.url},
    )
    fields = form_fields(consent.text)
    fields["allow"] = "on"
    answer = browser.post(
        consent.url, data=fields, headers={"Referer": consent.url}, allow_redirects=False
    )
    assert answer.status_code == 302, answer.text[:500]
    return answer.headers["Location"]


def agree_to_processing(browser: requests.Session, landed: requests.Response) -> None:
    """Veche asks its own consent to processing before the first page (the provider's consent
    only lets it pass the data on)."""
    assert "/accounts/consent/" in landed.url
    fields = {**form_fields(landed.text), "consent_processing": "on"}
    answer = browser.post(landed.url, data=fields, headers={"Referer": landed.url})
    assert "/accounts/consent/" not in answer.url


def test_citizen_signs_in_and_lands_verified_with_name_age_and_district(veche):
    browser = requests.Session()
    authorize_url = start_sign_in(browser, veche)
    query = parse_qs(urlsplit(authorize_url).query)
    assert query["code_challenge_method"] == ["S256"]
    assert query["nonce"][0] and query["state"][0]
    callback = consent_at_provider(browser, authorize_url, "safina")
    landed = browser.get(callback)
    assert landed.status_code == 200
    agree_to_processing(browser, landed)
    user = User.objects.get(email="safina@citizen.demo.veche.example")
    assert (user.last_name, user.first_name, user.patronymic) == ("Сафина", "Алсу", "Ринатовна")
    facts = person_facts(user)
    assert facts.level == Level.PROVIDER
    assert facts.birthdate == datetime.date(1990, 4, 12)
    assert facts.residence_path.endswith("/kazan-vakhitovsky/")
    verification = user.verifications.get()
    assert verification.verified_claims["verification"]["trust_framework"] == "demo_esia"
    page = browser.get(f"{veche}/verification/", headers={"Accept-Language": "en"}).text
    assert "Сафина Алсу Ринатовна" in page
    assert f"({age_on(datetime.date(1990, 4, 12), datetime.date.today())} years)" in page
    assert "Vakhitovsky District" in page


def test_a_representative_lands_with_the_legal_entity_he_represents(veche):
    browser = requests.Session()
    agree_to_processing(
        browser, browser.get(consent_at_provider(browser, start_sign_in(browser, veche), "garipov"))
    )
    user = User.objects.get(email="garipov@citizen.demo.veche.example")
    assert legal_entity_of(user) == LegalEntity(
        name="ООО «Казанский девелопмент»",
        ogrn="1161690058177",
        address="420107, Республика Татарстан, г. Казань, ул. Островского, 38, офис 412",
    )
    page = browser.get(f"{veche}/verification/", headers={"Accept-Language": "en"}).text
    assert "ООО «Казанский девелопмент»" in page
    assert "OGRN 1161690058177" in page


def test_an_unconfirmed_account_signs_in_without_verification(veche):
    browser = requests.Session()
    browser.get(consent_at_provider(browser, start_sign_in(browser, veche), "petrova"))
    user = User.objects.get(email="petrova@citizen.demo.veche.example")
    assert not user.verifications.exists()
    assert person_facts(user).level == Level.EMAIL


def test_a_replayed_state_is_refused(veche):
    browser = requests.Session()
    callback = consent_at_provider(browser, start_sign_in(browser, veche), "kuznetsov")
    agree_to_processing(browser, browser.get(callback))
    for replayer in (browser, requests.Session()):  # the same browser, and an attacker's
        replay = replayer.get(callback, headers={"Accept-Language": "en"})
        assert (
            "Third-Party Login Failure" in replay.text
            or "Social Network Login Failure" in replay.text
        )
    attacker = requests.Session()
    attacker.get(callback)
    assert attacker.get(f"{veche}/accounts/profile/", allow_redirects=False).status_code == 302
    assert SocialAccount.objects.count() == 1
    assert User.objects.filter(email__startswith="kuznetsov").count() == 1


def test_a_wrong_nonce_is_refused_and_nothing_is_written(veche):
    browser = requests.Session()
    authorize_url = start_sign_in(browser, veche)
    session = SessionStore(session_key=browser.cookies["sessionid"])
    states = session["socialaccount_states"]
    for state_id, (state, stamp, provider_id) in states.items():
        states[state_id] = ({**state, "nonce": "forged-nonce"}, stamp, provider_id)
    session["socialaccount_states"] = states
    session.save()
    callback = consent_at_provider(browser, authorize_url, "nikolaev")
    response = browser.get(callback, allow_redirects=False)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/accounts/login/")
    assert not User.objects.filter(email__startswith="nikolaev").exists()
    assert not SocialAccount.objects.exists()


def test_a_forged_id_token_is_refused_even_straight_from_the_token_endpoint(veche, demo_idp, rf):
    """allauth would skip the signature of a token it fetched itself; our adapter never does."""
    jwks_url = requests.get(
        f"{demo_idp.issuer}/.well-known/openid-configuration", timeout=5
    ).json()["jwks_uri"]
    kid = requests.get(jwks_url, timeout=5).json()["keys"][0]["kid"]
    forger_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    now = int(time.time())
    forged = jwt.encode(
        {
            "iss": demo_idp.issuer,
            "aud": demo_idp.client_id,
            "sub": "1000100001",
            "iat": now,
            "exp": now + 300,
            "nonce": "n",
        },
        forger_key,
        algorithm="RS256",
        headers={"kid": kid},
    )
    app = SocialApp.objects.get(provider_id="demo-esia")
    permissive = OpenIDConnectOAuth2Adapter(rf.get("/"), "demo-esia")
    permissive.did_fetch_access_token = True
    assert permissive._decode_id_token(app, forged)["sub"] == "1000100001"
    strict = VecheOIDCAdapter(rf.get("/"), "demo-esia")
    strict.did_fetch_access_token = True
    with pytest.raises(OAuth2Error):
        strict._decode_id_token(app, forged)


def test_a_signed_in_resident_links_the_provider_and_becomes_verified(veche):
    from tests.factories import PASSWORD, make_user

    resident = make_user("alsu@example.org")
    browser = requests.Session()
    login = browser.get(f"{veche}/accounts/login/")
    browser.post(
        f"{veche}/accounts/login/",
        headers={"Referer": login.url},
        data={
            "csrfmiddlewaretoken": CSRF.search(login.text).group(1),
            "login": "alsu@example.org",
            "password": PASSWORD,
        },
    )
    page = browser.get(f"{veche}/verification/")
    response = browser.post(
        f"{veche}/accounts/oidc/demo-esia/login/",
        allow_redirects=False,
        headers={"Referer": page.url},
        data={
            "csrfmiddlewaretoken": CSRF.search(page.text).group(1),
            "process": "connect",
            "next": "/verification/",
        },
    )
    browser.get(consent_at_provider(browser, response.headers["Location"], "safina"))
    assert SocialAccount.objects.get().user == resident
    assert person_facts(resident).level == Level.PROVIDER
    resident.refresh_from_db()
    assert resident.last_name == "Сафина"
    # Linked to the signed-in account: the citizen got no account of her own.
    assert not User.objects.filter(email__startswith="safina@").exists()
