"""The delivery connects to the address the SSRF check approved, naming the original host in
the Host header (and the TLS server name): no second lookup between the check and the connect."""

import ipaddress

import pytest

from tests.factories import make_appeal, make_staff
from tests.outbox import deliver_everything
from veche.api import webhooks
from veche.appeals.services import register_appeal
from veche.core.net_guard import approved_address, post_pinned
from veche.organizations.models import Membership

pytestmark = pytest.mark.django_db


def test_the_connection_goes_to_the_pinned_address_not_to_the_name(receiver):
    # The name resolves nowhere (.invalid): only the pinned address can have been reached.
    url = f"http://hooks.invalid:{receiver.server_port}/hooks"
    response = post_pinned(url, ipaddress.ip_address("127.0.0.1"), data=b"{}", timeout=5)
    assert response.status_code == 204
    [(headers, body)] = receiver.received
    assert headers["Host"] == f"hooks.invalid:{receiver.server_port}"
    assert body == b"{}"


def test_the_approved_address_is_what_the_check_resolved():
    address = approved_address("http://localhost:8/x", allowed=["localhost"])
    assert address.is_loopback


def test_a_delivery_reaches_the_checked_address_with_its_host_name(
    receiver, settings, office, head
):
    settings.VECHE_WEBHOOK_ALLOW_NETWORKS = ["localhost"]
    webhooks.subscribe(
        user=head,
        organization=office,
        url=f"http://localhost:{receiver.server_port}/hooks",
        events=["appeal.registered"],
    )
    appeal = make_appeal(organization=office, status="sent")
    register_appeal(
        official=make_staff(office, Membership.Role.OFFICIAL),
        appeal=appeal,
        registration_number="7",
    )
    deliver_everything()
    [(headers, _body)] = receiver.received
    assert headers["Host"] == f"localhost:{receiver.server_port}"
