"""Server-side request forgery: every address the server connects to that an administrator or
an identity provider chose must be public, checked before any connection is made.

The server's own outbound connections, and who chooses each address:
- an identity provider's issuer (an administrator, in the admin) and the discovery document's
  jwks_uri, token and userinfo endpoints (the provider): guarded here (veche.core.net_guard);
- images in PDF documents (residents' text): only data: URIs and our own files
  (veche.documents.rendering.LocalFilesOnly), the traversal cases are below;
- the SMS gateway (VECHE_SMS_GATEWAY_URL) and ClamAV (VECHE_CLAMD_ADDRESS): the operator's
  environment only, on purpose often a private address (docs/security.md, V12.6);
- map tiles: fetched by the browser, never by the server.

No test here sends traffic beyond this machine: the refusals happen before connecting, and
`no_network` turns any connection attempt that slips through into a recorded failure.
"""

import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests
from allauth.socialaccount.adapter import get_adapter
from django.core.exceptions import ValidationError

from tests.sign_in import enter
from veche.core.net_guard import OutboundURLRefused, check_outbound_url
from veche.identity.models import IdentityProvider

REFUSED = [
    "http://127.0.0.1/.well-known/openid-configuration",
    "http://127.1/",  # the short form of loopback
    "http://2130706433/",  # 127.0.0.1 as one number
    "https://10.0.0.7/o",
    "http://172.16.4.2/",
    "http://192.168.1.1/",
    "http://169.254.169.254/latest/meta-data/",
    "http://[::1]/",
    "http://[::ffff:127.0.0.1]/",
    "http://[64:ff9b::a9fe:a9fe]/",  # NAT64 of 169.254.169.254
    "http://[fe80::1]/",
    "http://[fd00::5]/",
    "http://[fec0::1]/",  # site-local (deprecated, still routed inside some networks)
    "http://0.0.0.0:8000/",
    "http://224.0.0.1/",
    "http://100.64.0.1/",  # carrier-grade NAT
    "http://localhost:5432/",  # a name that resolves to loopback
    "http://LOCALHOST./",
    "file:///etc/passwd",
    "gopher://127.0.0.1:6379/_FLUSHALL",
    "ftp://example.org/",
    "https://user:secret@93.184.215.14/",  # credentials in the URL
    "https:///o",
]


@pytest.fixture(autouse=True)
def _nothing_allowed_by_the_operator(settings):
    settings.LANGUAGE_CODE = "en"
    # Production's default; development allows this machine for the demo identity provider.
    settings.VECHE_OUTBOUND_ALLOWED_HOSTS = []


def family(ip: str) -> int:
    return socket.AF_INET6 if ":" in ip else socket.AF_INET


def public_dns(monkeypatch, answers: dict[str, list[str]]):
    """Resolve the given names to the given addresses (DNS lies outside this machine)."""
    real = socket.getaddrinfo

    def getaddrinfo(host, port, *args, **kwargs):
        if host in answers:
            return [(family(ip), socket.SOCK_STREAM, 6, "", (ip, 0)) for ip in answers[host]]
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


# --- The guard itself -----------------------------------------------------------------------


@pytest.mark.parametrize("url", REFUSED)
def test_the_guard_refuses_addresses_inside_our_network_and_other_schemes(url):
    with pytest.raises(OutboundURLRefused):
        check_outbound_url(url)


def test_a_public_address_passes_without_any_request(no_network):
    assert check_outbound_url("https://93.184.215.14/o") == "https://93.184.215.14/o"
    assert no_network == []


def test_a_public_name_passes(monkeypatch):
    public_dns(monkeypatch, {"esia.example.org": ["93.184.215.14"]})
    assert check_outbound_url("https://esia.example.org/o")


def test_a_name_that_resolves_to_the_metadata_service_is_refused(monkeypatch):
    public_dns(monkeypatch, {"metadata.attacker.example": ["169.254.169.254"]})
    with pytest.raises(OutboundURLRefused):
        check_outbound_url("https://metadata.attacker.example/latest/meta-data/")


def test_one_private_answer_among_public_ones_is_refused(monkeypatch):
    # DNS rebinding: the attacker's name answers with a public and a private address.
    public_dns(monkeypatch, {"rebind.attacker.example": ["93.184.215.14", "10.0.0.1"]})
    with pytest.raises(OutboundURLRefused):
        check_outbound_url("https://rebind.attacker.example/")


def test_a_name_that_does_not_resolve_is_refused(monkeypatch):
    def nowhere(*args, **kwargs):
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", nowhere)
    with pytest.raises(OutboundURLRefused):
        check_outbound_url("https://no-such-host.example/")


def test_the_operator_may_allow_a_private_network(settings):
    settings.VECHE_OUTBOUND_ALLOWED_HOSTS = ["10.20.0.0/16", "idp.internal"]
    assert check_outbound_url("https://10.20.3.4/o")
    assert check_outbound_url("https://idp.internal/o")
    with pytest.raises(OutboundURLRefused):
        check_outbound_url("https://10.21.0.1/o")
    with pytest.raises(OutboundURLRefused):  # the allow-list does not admit other schemes
        check_outbound_url("file://idp.internal/etc/passwd")


# --- Where an administrator names a provider ------------------------------------------------


def provider(issuer: str) -> IdentityProvider:
    return IdentityProvider(
        slug="esia",
        name={"ru": "ЕСИА", "en": "ESIA"},
        issuer=issuer,
        client_id="veche",
        trust_framework="ru_esia",
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    "issuer",
    [
        "http://127.0.0.1:8001/o",
        "http://10.0.0.5/o",
        "http://169.254.169.254/latest",
        "http://[::1]/o",
        "http://localhost/o",
    ],
)
def test_a_provider_inside_our_network_is_refused_on_saving(issuer):
    with pytest.raises(ValidationError) as refusal:
        provider(issuer).full_clean()
    assert "issuer" in refusal.value.message_dict


@pytest.mark.django_db
def test_a_provider_at_a_public_address_is_accepted():
    provider("https://93.184.215.14/o").full_clean()


@pytest.mark.django_db
def test_the_admin_form_refuses_the_metadata_service_and_saves_nothing(client):
    from allauth.socialaccount.models import SocialApp

    from tests.factories import make_user

    admin = make_user(is_staff=True, is_superuser=True)
    enter(client, admin)
    response = client.post(
        "/admin/identity/identityprovider/add/",
        {
            "slug": "esia",
            "name": '{"ru": "ЕСИА", "en": "ESIA"}',
            "is_enabled": "on",
            "issuer": "http://169.254.169.254/latest",
            "client_id": "veche",
            "client_secret": "",
            "scopes": "openid",
            "claim_mapping": "{}",
            "confirmed_claim": "",
            "trust_framework": "ru_esia",
            "home_territory": "",
            "validity_days": "365",
        },
    )
    assert response.status_code == 200  # the form again, with the error
    assert "not a public address" in response.content.decode()
    assert not IdentityProvider.objects.exists()
    assert not SocialApp.objects.exists()


# --- What the provider's discovery document names -------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "http://169.254.169.254/latest/meta-data/iam/security-credentials/",
        "http://10.0.0.1/jwks",
        "http://[::1]:6379/",
        "http://localhost:5432/token",
    ],
)
def test_the_sign_in_session_refuses_an_endpoint_inside_our_network(no_network, url):
    """allauth fetches discovery, the JWKS, the token and user info through the adapter's
    session; a hostile discovery document may name any of these."""
    with get_adapter().get_requests_session() as session, pytest.raises(OutboundURLRefused):
        session.get(url)
    assert no_network == []


def test_a_refusal_is_handled_wherever_an_unreachable_server_is(no_network):
    """allauth turns a requests error during the token exchange into its sign-in error page;
    a refused address takes the same way instead of failing the request."""
    with get_adapter().get_requests_session() as session, pytest.raises(requests.RequestException):
        session.get("http://169.254.169.254/latest/meta-data/")
    assert no_network == []


class Redirector(BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(302)
        self.send_header("Location", "http://169.254.169.254/latest/meta-data/")
        self.end_headers()

    def log_message(self, *args):
        pass


def test_a_redirect_to_the_metadata_service_is_not_followed(settings, monkeypatch):
    """The provider itself may be allowed (here on loopback) and still redirect elsewhere."""
    beyond = []
    send = requests.adapters.HTTPAdapter.send

    def loopback_only(self, request, *args, **kwargs):
        if request.url.startswith("http://127.0.0.1:"):
            return send(self, request, *args, **kwargs)
        beyond.append(request.url)
        raise requests.ConnectionError("the test allows no connection beyond this machine")

    monkeypatch.setattr(requests.adapters.HTTPAdapter, "send", loopback_only)
    server = ThreadingHTTPServer(("127.0.0.1", 0), Redirector)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.VECHE_OUTBOUND_ALLOWED_HOSTS = ["127.0.0.1"]
    try:
        session = get_adapter().get_requests_session()
        with session, pytest.raises(OutboundURLRefused):
            session.get(f"http://127.0.0.1:{server.server_port}/.well-known/jwks.json")
    finally:
        server.shutdown()
        server.server_close()
    assert beyond == []


# --- Documents read only our own files ------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/media/../../../../etc/passwd",
        "/media/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
        "/static/../../../../etc/hostname",
        "/static/..%2f..%2f..%2fetc/hostname",
    ],
)
def test_a_document_cannot_read_files_outside_media_and_static(settings, path):
    from veche.documents.rendering import LocalFilesOnly

    settings.MEDIA_ROOT.mkdir()
    fetcher = LocalFilesOnly("http://testserver/")
    with pytest.raises(ValueError):
        fetcher.fetch(f"http://testserver{path}")


# --- The operator's setting -----------------------------------------------------------------


def test_a_network_in_the_allow_list_that_is_not_one_stops_the_server():
    from veche.core.tests.test_settings import SAFE_PRODUCTION_ENV, load_settings

    result = load_settings({**SAFE_PRODUCTION_ENV, "VECHE_OUTBOUND_ALLOWED_HOSTS": "10.0.0.0/33"})
    assert result.returncode != 0
    assert "VECHE_OUTBOUND_ALLOWED_HOSTS" in result.stderr


def test_production_allows_no_private_host_unless_told():
    import os
    import subprocess
    import sys

    from veche.core.tests.test_settings import SAFE_PRODUCTION_ENV

    code = "import veche.settings as s; print(s.VECHE_OUTBOUND_ALLOWED_HOSTS)"
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in ("VECHE_OUTBOUND_ALLOWED_HOSTS", "DEBUG", "DATABASE_URL")
    }
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code],
        env={**environment, **SAFE_PRODUCTION_ENV},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
