"""The client's address behind reverse proxies: rate limits count per real client, and a header
written by the client itself is never believed."""

import pytest
from django.test import RequestFactory

from tests.factories import PASSWORD, make_user
from veche.core.net import client_ip

PROXY = "10.0.0.5"


def request_from(peer: str, forwarded: str | None = None):
    headers = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    return RequestFactory().get("/", REMOTE_ADDR=peer, **headers)


def test_without_trusted_proxies_the_header_is_ignored(settings):
    settings.VECHE_TRUSTED_PROXIES = 0
    assert client_ip(request_from("198.51.100.9", "203.0.113.1")) == "198.51.100.9"


def test_one_trusted_hop_reads_what_the_proxy_appended(settings):
    settings.VECHE_TRUSTED_PROXIES = 1
    # The client wrote "1.2.3.4" itself; nginx appended the address it saw.
    assert client_ip(request_from(PROXY, "1.2.3.4, 203.0.113.7")) == "203.0.113.7"


def test_two_trusted_hops_skip_both_proxies(settings):
    settings.VECHE_TRUSTED_PROXIES = 2
    assert client_ip(request_from(PROXY, "1.2.3.4, 203.0.113.7, 10.0.0.9")) == "203.0.113.7"


def test_listed_proxies_are_skipped_and_the_first_other_address_is_the_client(settings):
    settings.VECHE_TRUSTED_PROXIES = ["10.0.0.0/24"]
    assert client_ip(request_from(PROXY, "1.2.3.4, 203.0.113.7, 10.0.0.9")) == "203.0.113.7"


def test_listed_proxies_ignore_the_header_from_a_direct_client(settings):
    settings.VECHE_TRUSTED_PROXIES = ["10.0.0.0/24"]
    assert client_ip(request_from("198.51.100.9", "10.0.0.7, 203.0.113.1")) == "198.51.100.9"


def test_an_unreadable_hop_stops_at_the_last_trusted_address(settings):
    settings.VECHE_TRUSTED_PROXIES = 1
    assert client_ip(request_from(PROXY, "unknown")) == PROXY
    settings.VECHE_TRUSTED_PROXIES = ["10.0.0.0/24"]
    assert client_ip(request_from(PROXY, "unknown")) == PROXY


def test_ipv6_and_ports_are_read(settings):
    settings.VECHE_TRUSTED_PROXIES = 1
    assert client_ip(request_from(PROXY, "[2001:db8::1]:5000")) == "2001:db8::1"
    assert client_ip(request_from(PROXY, "203.0.113.7:5000")) == "203.0.113.7"


# --- The sign-in limit, per client (VECHE_LOGIN_FAILED_LIMIT: 10 a minute per address) ------


def fail_sign_in(client, forwarded: str, email: str):
    return client.post(
        "/accounts/login/",
        {"login": email, "password": "wrong-password-123"},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=forwarded,
    )


def exhaust_the_address_limit(client, forwarded: str):
    # Different accounts, so that only the per-address limit is reached, not the per-account one.
    for number in range(10):
        assert fail_sign_in(client, forwarded, f"nobody{number}@example.org").status_code == 200


def signs_in(client, forwarded: str, email: str) -> bool:
    """Whether the right password is let in (a limited sign-in shows the form with an error)."""
    client.post(
        "/accounts/login/",
        {"login": email, "password": PASSWORD},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=forwarded,
    )
    return "_auth_user_id" in client.session


@pytest.mark.django_db
def test_two_clients_behind_the_proxy_are_limited_separately(client, settings):
    settings.VECHE_TRUSTED_PROXIES = 1
    make_user("ada@example.org")
    exhaust_the_address_limit(client, "203.0.113.1")
    assert not signs_in(client, "203.0.113.1", "ada@example.org")
    assert signs_in(client, "203.0.113.2", "ada@example.org")


@pytest.mark.django_db
def test_a_forged_header_without_a_trusted_proxy_does_not_evade_the_limit(client, settings):
    settings.VECHE_TRUSTED_PROXIES = 0
    make_user("ada@example.org")
    exhaust_the_address_limit(client, "203.0.113.1")
    assert not signs_in(client, "203.0.113.99", "ada@example.org")


@pytest.mark.django_db
def test_a_forged_header_in_front_of_a_trusted_proxy_does_not_evade_the_limit(client, settings):
    settings.VECHE_TRUSTED_PROXIES = 1
    make_user("ada@example.org")
    exhaust_the_address_limit(client, "203.0.113.1")
    # The client prepends an address of its choice; the proxy still appends the real one.
    assert not signs_in(client, "203.0.113.99, 203.0.113.1", "ada@example.org")
