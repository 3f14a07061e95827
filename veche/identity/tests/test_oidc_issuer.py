"""One issuer speaks for a sign-in: the configured one (the "mix-up" attack, RFC 9207).

The provider here is a small OpenID Provider of our own, served over real HTTP from a thread, with
its own RSA key and JWKS, so that each test can make it lie in one way: a discovery document that
names another issuer, ID tokens from another issuer, an authorization response from another
issuer or without one, a userinfo answer about another person. The honest provider signs in, so
each refusal is due to the one lie.
"""

import json
import re
import secrets
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
import pytest
import requests
from allauth.socialaccount.models import SocialAccount
from cryptography.hazmat.primitives.asymmetric import rsa

from tests.servers import free_port
from veche.accounts.models import User
from veche.identity.models import IdentityProvider, Verification
from veche.identity.services import save_identity_provider

pytestmark = pytest.mark.django_db(transaction=True)

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
CLIENT_ID = "veche-mixup-test"
SUBJECT = "person-1"
EMAIL = "mixup-person@example.org"
KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
KID = "mixup-test-key"


@dataclass
class Lies:
    """What the provider says; by default the truth (None: the provider's own issuer)."""

    discovery_issuer: str | None = None
    token_issuer: str | None = None
    response_issuer: str | None = None
    omit_response_issuer: bool = False
    promises_response_issuer: bool = True
    userinfo_subject: str = SUBJECT


@dataclass
class FakeProvider:
    issuer: str
    lies: Lies = field(default_factory=Lies)
    nonces: dict = field(default_factory=dict)  # code → nonce the client sent

    @property
    def base(self) -> str:
        return self.issuer.rstrip("/")

    def discovery(self) -> dict:
        return {
            "issuer": self.lies.discovery_issuer or self.issuer,
            "authorization_endpoint": f"{self.base}/authorize",
            "token_endpoint": f"{self.base}/token",
            "userinfo_endpoint": f"{self.base}/userinfo",
            "jwks_uri": f"{self.base}/jwks",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "token_endpoint_auth_methods_supported": ["client_secret_post"],
            "authorization_response_iss_parameter_supported": self.lies.promises_response_issuer,
        }

    def jwks(self) -> dict:
        jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(KEY.public_key()))
        return {"keys": [{**jwk, "kid": KID, "alg": "RS256", "use": "sig"}]}

    def authorization_response(self, query: dict) -> str:
        code = secrets.token_urlsafe(16)
        self.nonces[code] = query.get("nonce", [""])[0]
        answer = {"code": code, "state": query["state"][0]}
        if not self.lies.omit_response_issuer:
            answer["iss"] = self.lies.response_issuer or self.issuer
        return f"{query['redirect_uri'][0]}?{urlencode(answer)}"

    def token(self, form: dict) -> dict:
        code = form["code"][0]
        now = int(time.time())
        id_token = jwt.encode(
            {
                "iss": self.lies.token_issuer or self.issuer,
                "aud": CLIENT_ID,
                "sub": SUBJECT,
                "iat": now,
                "exp": now + 300,
                "nonce": self.nonces.pop(code),
            },
            KEY,
            algorithm="RS256",
            headers={"kid": KID},
        )
        return {"access_token": f"at-{code}", "token_type": "Bearer", "id_token": id_token}

    def userinfo(self) -> dict:
        return {
            "sub": self.lies.userinfo_subject,
            "email": EMAIL,
            "email_verified": True,
            "family_name": "Сафина",
            "given_name": "Алсу",
        }


def _handler(provider: FakeProvider):
    def route_of(path: str) -> str:
        prefix = urlsplit(provider.base).path
        return path.removeprefix(prefix) if path.startswith(f"{prefix}/") else ""

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def _json(self, body: dict) -> None:
            payload = json.dumps(body).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def do_GET(self):
            url = urlsplit(self.path)
            route = route_of(url.path)
            if route == "/.well-known/openid-configuration":
                self._json(provider.discovery())
            elif route == "/jwks":
                self._json(provider.jwks())
            elif route == "/userinfo":
                self._json(provider.userinfo())
            elif route == "/authorize":
                self.send_response(302)
                self.send_header("Location", provider.authorization_response(parse_qs(url.query)))
                self.send_header("Content-Length", "0")
                self.end_headers()
            else:
                self.send_error(404)

        def do_POST(self):
            length = int(self.headers.get("Content-Length", 0))
            form = parse_qs(self.rfile.read(length).decode())
            if route_of(urlsplit(self.path).path) == "/token":
                self._json(provider.token(form))
            else:
                self.send_error(404)

    return Handler


@pytest.fixture(scope="module")
def fake_provider():
    server = ThreadingHTTPServer(("127.0.0.1", 0), None)
    provider = FakeProvider(issuer=f"http://127.0.0.1:{server.server_port}/mixup")
    server.RequestHandlerClass = _handler(provider)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield provider
    server.shutdown()
    server.server_close()


@pytest.fixture
def provider(fake_provider):
    fake_provider.lies = Lies()
    fake_provider.issuer = fake_provider.issuer.rstrip("/")
    save_identity_provider(
        provider=IdentityProvider(
            slug="mixup",
            name={"en": "Mix-up test provider"},
            issuer=fake_provider.issuer,
            client_id=CLIENT_ID,
            client_secret="secret",
            scopes="openid profile email",
        )
    )
    return fake_provider


def sign_in(veche: str) -> tuple[requests.Session, requests.Response]:
    """Play the browser through the whole sign-in; returns Veche's last answer (not followed)."""
    browser = requests.Session()
    browser.headers["Accept-Language"] = "en"
    page = browser.get(f"{veche}/accounts/oidc/mixup/login/")
    response = browser.post(
        f"{veche}/accounts/oidc/mixup/login/",
        data={"csrfmiddlewaretoken": CSRF.search(page.text).group(1)},
        headers={"Referer": page.url},
        allow_redirects=False,
    )
    assert response.status_code == 302
    if response.headers["Location"].startswith("http"):  # off to the provider, and back
        at_provider = browser.get(response.headers["Location"], allow_redirects=False)
        assert at_provider.status_code == 302
        response = browser.get(at_provider.headers["Location"], allow_redirects=False)
    return browser, response


def assert_refused(veche: str, browser: requests.Session, response, words: str) -> None:
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/accounts/login/")
    page = browser.get(f"{veche}{response.headers['Location']}")
    assert words in page.text
    assert not User.objects.filter(email=EMAIL).exists()
    assert not SocialAccount.objects.exists()
    assert not Verification.objects.exists()


def test_the_honest_provider_signs_the_person_in(live_server, provider):
    _browser, response = sign_in(live_server.url)
    assert response.status_code == 302
    assert not response.headers["Location"].startswith("/accounts/login/")
    account = SocialAccount.objects.get(provider="mixup")
    assert account.uid == SUBJECT
    assert account.user.email == EMAIL
    assert Verification.objects.filter(user=account.user).exists()


def test_a_discovery_document_naming_another_issuer_is_refused(live_server, provider):
    """The mix-up of the issue: discovery and tokens agree with each other, not with us."""
    provider.lies = Lies(
        discovery_issuer="https://esia.example/", token_issuer="https://esia.example/"
    )
    browser, response = sign_in(live_server.url)
    assert_refused(live_server.url, browser, response, "issued on behalf of another provider")


def test_a_discovery_issuer_differing_only_by_a_trailing_slash_is_refused(live_server, provider):
    provider.lies = Lies(discovery_issuer=f"{provider.issuer}/", token_issuer=f"{provider.issuer}/")
    browser, response = sign_in(live_server.url)
    assert_refused(live_server.url, browser, response, "issued on behalf of another provider")


def test_an_id_token_from_another_issuer_is_refused(live_server, provider):
    provider.lies = Lies(token_issuer="https://esia.example/")
    browser, response = sign_in(live_server.url)
    assert_refused(live_server.url, browser, response, "issued on behalf of another provider")


def test_an_authorization_response_from_another_issuer_is_refused(live_server, provider):
    provider.lies = Lies(response_issuer="https://esia.example/")
    browser, response = sign_in(live_server.url)
    assert_refused(live_server.url, browser, response, "issued on behalf of another provider")


def test_a_missing_authorization_response_issuer_is_refused_when_promised(live_server, provider):
    provider.lies = Lies(omit_response_issuer=True)
    browser, response = sign_in(live_server.url)
    assert_refused(live_server.url, browser, response, "issued on behalf of another provider")


def test_a_missing_authorization_response_issuer_is_accepted_when_not_promised(
    live_server, provider
):
    """Providers without RFC 9207 still sign in; the ID token's `iss` is then the check."""
    provider.lies = Lies(omit_response_issuer=True, promises_response_issuer=False)
    _browser, response = sign_in(live_server.url)
    assert not response.headers["Location"].startswith("/accounts/login/")
    assert SocialAccount.objects.get(provider="mixup").uid == SUBJECT


def test_userinfo_about_another_person_is_refused(live_server, provider):
    provider.lies = Lies(userinfo_subject="person-2")
    browser, response = sign_in(live_server.url)
    assert_refused(live_server.url, browser, response, "describes another person")


def test_an_issuer_ending_with_a_slash_is_discovered_without_it_and_signs_in(live_server, provider):
    """ESIA's issuer ends with "/": discovery is read at …/mixup/.well-known/…, not …//…"""
    provider.issuer = f"{provider.issuer}/"
    configured = IdentityProvider.objects.get(slug="mixup")
    configured.issuer = provider.issuer
    save_identity_provider(provider=configured)
    _browser, response = sign_in(live_server.url)
    assert not response.headers["Location"].startswith("/accounts/login/")
    assert SocialAccount.objects.get(provider="mixup").uid == SUBJECT


def test_a_provider_that_cannot_be_reached_is_a_message_not_an_error_page(live_server):
    closed = f"http://127.0.0.1:{free_port()}"
    save_identity_provider(
        provider=IdentityProvider(
            slug="mixup",
            name={"en": "Unreachable provider"},
            issuer=closed,
            client_id=CLIENT_ID,
            client_secret="secret",
            scopes="openid",
        )
    )
    browser, response = sign_in(live_server.url)
    assert_refused(live_server.url, browser, response, "cannot be reached just now")
