"""Demo-ESIA as a relying party sees it: real HTTP against the provider in a subprocess."""

import base64
import hashlib
import json
import secrets
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import requests
from jwcrypto import jwk, jwt

from tests import idp_fixture
from veche.demo.idp.redirect_uris import redirect_uri_allowed

# Bound by assignment rather than `from … import demo_idp`: pytest finds the fixture either way,
# and ruff would report every test's `demo_idp` parameter as a redefinition (F811) of an import.
demo_idp = idp_fixture.demo_idp

CALLBACK = "http://127.0.0.1:8000/accounts/oidc/demo-esia/login/callback/"
ALL_SCOPES = "openid profile email address birthdate organization"


class _Inputs(HTMLParser):
    """The name → value of every <input> on a page (one form's worth is all we need)."""

    def __init__(self):
        super().__init__()
        self.values = {}
        self.scripts = 0

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "input" and attributes.get("name"):
            self.values[attributes["name"]] = attributes.get("value") or ""
        if tag == "script":
            self.scripts += 1


def _inputs(html: str) -> dict:
    parser = _Inputs()
    parser.feed(html)
    return parser.values


@dataclass
class Authorization:
    """What a relying party holds after the browser comes back to its callback."""

    callback: str
    verifier: str
    state: str
    nonce: str
    redirect_uri: str

    @property
    def query(self) -> dict:
        return {key: values[0] for key, values in parse_qs(urlsplit(self.callback).query).items()}


def _pkce() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    digest = hashlib.sha256(verifier.encode()).digest()
    return verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def _discovery(idp) -> dict:
    return requests.get(f"{idp.issuer}/.well-known/openid-configuration", timeout=10).json()


def _authorize_url(idp, **params) -> str:
    return f"{idp.issuer}/authorize/?{urlencode(params)}"


def signed_in_browser(idp, username="safina") -> requests.Session:
    """A browser session already signed in at the provider (it asks who you are first)."""
    browser = requests.Session()
    page = browser.get(f"{idp.base_url}/sign-in/", timeout=10)
    response = browser.post(
        f"{idp.base_url}/sign-in/as/",
        data={
            "csrfmiddlewaretoken": _inputs(page.text)["csrfmiddlewaretoken"],
            "username": username,
        },
        allow_redirects=False,
        timeout=10,
    )
    assert response.status_code == 302, response.text
    return browser


def authorize(
    idp,
    username="safina",
    *,
    scope=ALL_SCOPES,
    redirect_uri=CALLBACK,
    allow=True,
    password=None,
) -> Authorization:
    """Walk a browser through authorize → sign-in → consent, stopping at the callback."""
    browser = requests.Session()
    verifier, challenge = _pkce()
    state, nonce = secrets.token_urlsafe(16), secrets.token_urlsafe(16)
    url = _authorize_url(
        idp,
        response_type="code",
        client_id=idp.client_id,
        redirect_uri=redirect_uri,
        scope=scope,
        state=state,
        nonce=nonce,
        code_challenge=challenge,
        code_challenge_method="S256",
    )
    to_sign_in = browser.get(url, allow_redirects=False, timeout=10)
    assert to_sign_in.status_code == 302, to_sign_in.text
    sign_in_url = idp.base_url + to_sign_in.headers["Location"]
    sign_in_page = browser.get(sign_in_url, timeout=10)
    fields = _inputs(sign_in_page.text)
    if password is None:
        signed_in = browser.post(
            f"{idp.base_url}/sign-in/as/",
            data={
                "csrfmiddlewaretoken": fields["csrfmiddlewaretoken"],
                "username": username,
                "next": fields["next"],
            },
            allow_redirects=False,
            timeout=10,
        )
    else:
        signed_in = browser.post(
            sign_in_url,
            data={
                "csrfmiddlewaretoken": fields["csrfmiddlewaretoken"],
                "username": username,
                "password": password,
                "next": fields["next"],
            },
            allow_redirects=False,
            timeout=10,
        )
    assert signed_in.status_code == 302, signed_in.text
    consent_page = browser.get(idp.base_url + signed_in.headers["Location"], timeout=10)
    assert consent_page.status_code == 200, consent_page.text
    consent = _inputs(consent_page.text)
    consent.pop("allow", None)
    if allow:
        consent["allow"] = "on"
    answered = browser.post(consent_page.url, data=consent, allow_redirects=False, timeout=10)
    assert answered.status_code == 302, answered.text
    return Authorization(
        callback=answered.headers["Location"],
        verifier=verifier,
        state=state,
        nonce=nonce,
        redirect_uri=redirect_uri,
    )


def exchange(idp, authorization: Authorization, *, verifier=None) -> requests.Response:
    return requests.post(
        _discovery(idp)["token_endpoint"],
        data={
            "grant_type": "authorization_code",
            "code": authorization.query["code"],
            "redirect_uri": authorization.redirect_uri,
            "code_verifier": verifier or authorization.verifier,
        },
        auth=(idp.client_id, idp.client_secret),
        timeout=10,
    )


def verified_id_token(idp, id_token: str) -> dict:
    """The ID token's claims, after checking its signature against the provider's JWKS."""
    keys = jwk.JWKSet.from_json(requests.get(_discovery(idp)["jwks_uri"], timeout=10).text)
    token = jwt.JWT(
        jwt=id_token,
        key=keys,
        algs=["RS256"],
        check_claims={"iss": idp.issuer, "aud": idp.client_id, "exp": None},
    )
    return json.loads(token.claims)


def sign_in_and_get_tokens(idp, username="safina", **options) -> tuple[Authorization, dict]:
    authorization = authorize(idp, username, **options)
    response = exchange(idp, authorization)
    assert response.status_code == 200, response.text
    return authorization, response.json()


def userinfo(idp, access_token: str) -> dict:
    response = requests.get(
        _discovery(idp)["userinfo_endpoint"],
        headers={"Authorization": f"Bearer {access_token}"},
        timeout=10,
    )
    assert response.status_code == 200, response.text
    return response.json()


# --- Discovery ------------------------------------------------------------------------------


def test_discovery_names_the_issuer_and_its_endpoints(demo_idp):
    document = _discovery(demo_idp)

    assert document["issuer"] == demo_idp.issuer
    for endpoint in ("authorization_endpoint", "token_endpoint", "userinfo_endpoint", "jwks_uri"):
        assert document[endpoint].startswith(f"{demo_idp.issuer}/")


def test_discovery_offers_the_code_flow_with_s256_and_rs256(demo_idp):
    document = _discovery(demo_idp)

    assert document["response_types_supported"] == ["code"]
    assert document["code_challenge_methods_supported"] == ["S256"]
    assert "RS256" in document["id_token_signing_alg_values_supported"]
    assert set(document["scopes_supported"]) == set(ALL_SCOPES.split())


def test_discovery_announces_verified_claims(demo_idp):
    document = _discovery(demo_idp)

    assert document["verified_claims_supported"] is True
    assert document["trust_frameworks_supported"] == ["demo_esia"]
    assert {"trusted", "verified_claims", "middle_name"} <= set(document["claims_supported"])


def test_jwks_publishes_one_rsa_signing_key(demo_idp):
    keys = requests.get(_discovery(demo_idp)["jwks_uri"], timeout=10).json()["keys"]

    assert [(key["kty"], key["alg"], key["use"]) for key in keys] == [("RSA", "RS256", "sig")]


# --- Authorization --------------------------------------------------------------------------


def test_authorization_without_pkce_is_refused(demo_idp):
    response = signed_in_browser(demo_idp).get(
        _authorize_url(
            demo_idp,
            response_type="code",
            client_id=demo_idp.client_id,
            redirect_uri=CALLBACK,
            scope="openid",
            state="abc",
        ),
        allow_redirects=False,
        timeout=10,
    )

    assert response.status_code == 302
    assert "error=invalid_request" in response.headers["Location"]
    assert response.headers["Location"].startswith(CALLBACK)


def test_the_code_comes_back_with_state_and_issuer(demo_idp):
    authorization = authorize(demo_idp)

    assert authorization.callback.startswith(f"{CALLBACK}?")
    assert authorization.query["state"] == authorization.state
    assert authorization.query["iss"] == demo_idp.issuer
    assert authorization.query["code"]


def test_denying_consent_returns_access_denied(demo_idp):
    authorization = authorize(demo_idp, allow=False)

    assert authorization.query["error"] == "access_denied"
    assert authorization.query["state"] == authorization.state


def test_citizen_can_sign_in_with_the_demo_password(demo_idp):
    authorization = authorize(demo_idp, "kuznetsov", password="demo")

    assert authorization.query["code"]


def test_wrong_password_is_refused(demo_idp):
    browser = requests.Session()
    page = browser.get(f"{demo_idp.base_url}/sign-in/", timeout=10)

    response = browser.post(
        page.url,
        data={
            "csrfmiddlewaretoken": _inputs(page.text)["csrfmiddlewaretoken"],
            "username": "kuznetsov",
            "password": "not-demo",
        },
        allow_redirects=False,
        timeout=10,
    )

    assert response.status_code == 400


def test_callback_on_any_local_port_is_accepted_in_test_mode(demo_idp):
    callback = "http://127.0.0.1:54321/accounts/oidc/demo-esia/login/callback/"

    authorization = authorize(demo_idp, redirect_uri=callback)

    assert authorization.callback.startswith(f"{callback}?code=")


@pytest.mark.parametrize(
    "redirect_uri",
    [
        "http://evil.example:8000/accounts/oidc/demo-esia/login/callback/",
        "http://127.0.0.1:8000/accounts/oidc/other/login/callback/",
        "https://127.0.0.1:8000/accounts/oidc/demo-esia/login/callback/",
        f"{CALLBACK}?next=/evil",
    ],
)
def test_callback_elsewhere_is_refused_without_a_redirect(demo_idp, redirect_uri):
    response = signed_in_browser(demo_idp).get(
        _authorize_url(
            demo_idp,
            response_type="code",
            client_id=demo_idp.client_id,
            redirect_uri=redirect_uri,
            scope="openid",
            code_challenge=_pkce()[1],
            code_challenge_method="S256",
        ),
        allow_redirects=False,
        timeout=10,
    )

    assert response.status_code == 400
    assert "Location" not in response.headers


# --- Tokens ---------------------------------------------------------------------------------


def test_id_token_is_signed_by_the_provider_and_names_veche_as_audience(demo_idp):
    authorization, tokens = sign_in_and_get_tokens(demo_idp)

    claims = verified_id_token(demo_idp, tokens["id_token"])

    assert claims["aud"] == demo_idp.client_id
    assert claims["nonce"] == authorization.nonce
    assert claims["sub"] == demo_idp.citizen("safina")["sub"]
    assert tokens["token_type"] == "Bearer"


def test_code_without_the_right_verifier_is_refused(demo_idp):
    authorization = authorize(demo_idp)

    response = exchange(demo_idp, authorization, verifier=_pkce()[0])

    assert response.status_code == 400
    assert response.json()["error"] == "invalid_grant"


def test_code_works_only_once(demo_idp):
    authorization = authorize(demo_idp)
    assert exchange(demo_idp, authorization).status_code == 200

    again = exchange(demo_idp, authorization)

    assert again.status_code == 400
    assert again.json()["error"] == "invalid_grant"


def test_wrong_client_secret_is_refused(demo_idp):
    authorization = authorize(demo_idp)

    response = requests.post(
        _discovery(demo_idp)["token_endpoint"],
        data={
            "grant_type": "authorization_code",
            "code": authorization.query["code"],
            "redirect_uri": authorization.redirect_uri,
            "code_verifier": authorization.verifier,
        },
        auth=(demo_idp.client_id, "not-the-secret"),
        timeout=10,
    )

    assert response.status_code == 401


# --- Claims ---------------------------------------------------------------------------------


def test_trusted_citizen_claims(demo_idp):
    _, tokens = sign_in_and_get_tokens(demo_idp, "safina")

    claims = verified_id_token(demo_idp, tokens["id_token"])

    assert claims["family_name"] == "Сафина"
    assert claims["given_name"] == "Алсу"
    assert claims["middle_name"] == "Ринатовна"
    assert claims["name"] == "Сафина Алсу Ринатовна"
    assert claims["birthdate"] == "1990-04-12"
    assert claims["email"] == "safina@citizen.demo.veche.example"
    assert claims["email_verified"] is True
    assert claims["trusted"] is True
    assert claims["address"] == {
        "formatted": "420111, Республика Татарстан, г. Казань, ул. Пушкина, 5, кв. 12",
        "street_address": "ул. Пушкина, 5, кв. 12",
        "locality": "Казань",
        "region": "Республика Татарстан",
        "postal_code": "420111",
        "country": "RU",
        "district": "Вахитовский район",
    }


def test_trusted_citizen_identity_is_vouched_for_in_verified_claims(demo_idp):
    _, tokens = sign_in_and_get_tokens(demo_idp, "safina")

    claims = verified_id_token(demo_idp, tokens["id_token"])

    assert claims["verified_claims"]["verification"] == {
        "trust_framework": "demo_esia",
        "time": "2019-03-14T09:30:00+00:00",
        "evidence": [{"type": "electronic_record", "record": {"type": "population_register"}}],
    }
    assert claims["verified_claims"]["claims"] == {
        name: claims[name]
        for name in ("given_name", "family_name", "middle_name", "birthdate", "address")
    }


def test_a_representative_is_vouched_for_with_the_organization(demo_idp):
    _, tokens = sign_in_and_get_tokens(demo_idp, "garipov")

    claims = verified_id_token(demo_idp, tokens["id_token"])

    organization = {
        "name": "ООО «Казанский девелопмент»",
        "ogrn": "1161690058177",
        "address": "420107, Республика Татарстан, г. Казань, ул. Островского, 38, офис 412",
    }
    assert claims["organization"] == organization
    assert claims["verified_claims"]["claims"]["organization"] == organization


def test_the_organization_is_released_only_under_its_scope(demo_idp):
    _, tokens = sign_in_and_get_tokens(demo_idp, "garipov", scope="openid profile")

    claims = userinfo(demo_idp, tokens["access_token"])

    assert "organization" not in claims
    assert "organization" not in claims["verified_claims"]["claims"]


def test_unconfirmed_citizen_has_no_verified_claims(demo_idp):
    _, tokens = sign_in_and_get_tokens(demo_idp, "petrova")

    claims = verified_id_token(demo_idp, tokens["id_token"])

    assert claims["trusted"] is False
    assert claims["family_name"] == "Петрова"
    assert "verified_claims" not in claims


def test_leap_day_birthdate_is_kept(demo_idp):
    _, tokens = sign_in_and_get_tokens(demo_idp, "nikolaev")

    claims = verified_id_token(demo_idp, tokens["id_token"])

    assert claims["birthdate"] == "1960-02-29"
    assert claims["address"]["district"] == "Приволжский район"


def test_userinfo_returns_the_claims_of_the_id_token(demo_idp):
    _, tokens = sign_in_and_get_tokens(demo_idp, "galieva")
    id_token = verified_id_token(demo_idp, tokens["id_token"])

    claims = userinfo(demo_idp, tokens["access_token"])

    assert claims["birthdate"] == "2010-06-15"
    assert claims["verified_claims"]["claims"]["birthdate"] == "2010-06-15"
    assert claims == {
        name: value
        for name, value in id_token.items()
        if name not in {"aud", "iss", "exp", "iat", "auth_time", "jti", "nonce", "at_hash"}
    }


def test_openid_scope_alone_releases_only_the_subject_and_trust(demo_idp):
    _, tokens = sign_in_and_get_tokens(demo_idp, scope="openid")

    claims = userinfo(demo_idp, tokens["access_token"])

    assert claims == {"sub": demo_idp.citizen("safina")["sub"], "trusted": True}


def test_birthdate_scope_releases_the_birthdate_without_the_name(demo_idp):
    _, tokens = sign_in_and_get_tokens(demo_idp, scope="openid birthdate")

    claims = userinfo(demo_idp, tokens["access_token"])

    assert claims["birthdate"] == "1990-04-12"
    assert "family_name" not in claims
    assert claims["verified_claims"]["claims"] == {"birthdate": "1990-04-12"}


def test_subject_is_stable_across_sign_ins(demo_idp):
    first = verified_id_token(
        demo_idp, sign_in_and_get_tokens(demo_idp, "kuznetsov")[1]["id_token"]
    )
    second = verified_id_token(
        demo_idp, sign_in_and_get_tokens(demo_idp, "kuznetsov")[1]["id_token"]
    )

    assert first["sub"] == second["sub"] == demo_idp.citizen("kuznetsov")["sub"]


# --- Pages ----------------------------------------------------------------------------------


def test_sign_in_page_is_plainly_a_demo_and_runs_no_scripts(demo_idp):
    response = requests.get(f"{demo_idp.base_url}/sign-in/", timeout=10)
    page = _Inputs()
    page.feed(response.text)

    assert '<html lang="ru">' in response.text
    assert "Демо-ЕСИА · Demo national identity provider" in response.text
    assert "не государственная служба" in response.text
    assert page.scripts == 0
    assert response.text.count("Войти как") == len(demo_idp.citizens)
    assert response.headers["X-Frame-Options"] == "DENY"


# --- Redirect URI rule (no server needed) ---------------------------------------------------


def test_registered_redirect_uri_must_match_exactly():
    registered = [CALLBACK]

    assert redirect_uri_allowed(CALLBACK, registered, allow_any_local_port=False)
    assert not redirect_uri_allowed(
        CALLBACK.replace(":8000", ":8001"), registered, allow_any_local_port=False
    )


@pytest.mark.parametrize(
    "uri",
    [
        "http://localhost:1/accounts/oidc/demo-esia/login/callback/",
        "http://127.0.0.1:65535/accounts/oidc/demo-esia/login/callback/",
    ],
)
def test_local_callback_on_any_port_is_allowed_in_test_mode(uri):
    assert redirect_uri_allowed(uri, [], allow_any_local_port=True)


@pytest.mark.parametrize(
    "uri",
    [
        "http://127.0.0.1:65536/accounts/oidc/demo-esia/login/callback/",
        "http://127.0.0.1/accounts/oidc/demo-esia/login/callback/",
        "http://127.0.0.2:8000/accounts/oidc/demo-esia/login/callback/",
        "http://user@127.0.0.1:8000/accounts/oidc/demo-esia/login/callback/",
        "http://127.0.0.1:8000@evil.example/accounts/oidc/demo-esia/login/callback/",
        "http://127.0.0.1:8000/accounts/oidc/demo-esia/login/callback/?x=1",
        "http://127.0.0.1:8000/accounts/oidc/demo-esia/login/callback/#x",
        "http://127.0.0.1:8000/accounts/oidc/demo-esia/login/callback",
        "https://127.0.0.1:8000/accounts/oidc/demo-esia/login/callback/",
        "http://127.0.0.1.evil.example:8000/accounts/oidc/demo-esia/login/callback/",
    ],
)
def test_anything_else_is_refused_even_in_test_mode(uri):
    assert not redirect_uri_allowed(uri, [], allow_any_local_port=True)
