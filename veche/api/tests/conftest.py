"""The cast of the API's tests: an organization's client issued by its head, its token got
through the real token endpoint, and requests in English."""

import base64
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.factories import make_organization, make_staff, make_territory
from veche.api import services
from veche.api.models import Scope
from veche.organizations.models import Membership

ALL_SCOPES = list(Scope.values)


@pytest.fixture(autouse=True)
def _english(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


@pytest.fixture
def district():
    return make_territory("vakhitovsky")


@pytest.fixture
def office(district):
    return make_organization("district-office", jurisdiction=[district])


@pytest.fixture
def other_office(district):
    return make_organization("other-office", jurisdiction=[district])


@pytest.fixture
def head(office):
    return make_staff(office, Membership.Role.HEAD)


def issue(organization, scopes=ALL_SCOPES, *, head=None):
    """A client of the organization, issued by its head: (client, secret)."""
    head = head or make_staff(organization, Membership.Role.HEAD)
    return services.issue_client(
        user=head, organization=organization, name="СЭД «Дело»", scopes=scopes
    )


def token_for(http, client, secret, scope: str | None = None) -> str:
    """An access token from the token endpoint, as a client's system gets it."""
    credentials = base64.b64encode(f"{client.client_id}:{secret}".encode()).decode()
    data = {"grant_type": "client_credentials"}
    if scope is not None:
        data["scope"] = scope
    response = http.post("/api/v1/oauth/token/", data, HTTP_AUTHORIZATION=f"Basic {credentials}")
    assert response.status_code == 200, response.content
    return response.json()["access_token"]


def bearer(token: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


# --- Open311: a resident of the district who gave an app a key ------------------------------

# GeoReport v2's own example, adapted: a point in the demo's Kazan, and a description long
# enough to be the appeal's text (50 characters or more).
SINKHOLE = (
    "A large sinkhole is destroying the street\n"
    "It has grown for a week and cars drive around it into the oncoming lane."
)


@pytest.fixture
def roads():
    from tests.factories import make_category

    return make_category("roads")


@pytest.fixture
def resident(district):
    from tests.factories import make_resident

    return make_resident(district)


@pytest.fixture
def api_key(resident):
    """The raw key a resident gave an app."""
    from veche.api.open311.services import issue_key

    return issue_key(user=resident, name="City Fix")[1]


def filing(api_key, **fields) -> dict:
    """The parameters of GeoReport v2's POST example, adapted to the test's city."""
    return {
        "api_key": api_key,
        "jurisdiction_id": "vakhitovsky",
        "service_code": "roads",
        "lat": "55.7963",
        "long": "49.1088",
        "address_string": "1234 5th street",
        "email": "smit333@sfgov.edu",
        "device_id": "tt222111",
        "account_id": "123456",
        "first_name": "john",
        "last_name": "smith",
        "phone": "111111111",
        "description": SINKHOLE,
        "media_url": "http://api.city.gov",
        **fields,
    }


def xml(response):
    """Our own XML answer, parsed (it is the server under test that wrote it)."""
    from xml.etree import ElementTree

    assert response["Content-Type"] == "text/xml; charset=utf-8"
    assert response.content.startswith(b"<?xml version='1.0' encoding='UTF-8'?>")
    return ElementTree.fromstring(response.content)  # noqa: S314


# --- A webhook receiver: a real HTTP server on this machine ---------------------------------


class Receiver(BaseHTTPRequestHandler):
    """Records each request; answers with the next of `answers` (then 204)."""

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.server.received.append((dict(self.headers.items()), body))
        status = self.server.answers.pop(0) if self.server.answers else 204
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def receiver(settings):
    server = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    server.received, server.answers = [], []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.VECHE_WEBHOOK_ALLOW_NETWORKS = ["127.0.0.1"]
    server.url = f"http://127.0.0.1:{server.server_port}/hooks"
    yield server
    server.shutdown()
    server.server_close()
