"""The client's address, the one place every rate limit and log asks for it.

Behind reverse proxies the socket's peer is the proxy, so the client is read from
X-Forwarded-For, but only as far as the configured proxies (VECHE_TRUSTED_PROXIES) vouch for it:
each trusted proxy appends the address it saw, so the chain is read from the right and the
first address no trusted proxy stands for is the client. Whatever a client writes into the
header itself lies further left and is never reached.
"""

import ipaddress

from django.conf import settings


def _address(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    value = value.strip()
    if value.startswith("[") and "]" in value:  # [2001:db8::1]:443
        value = value[1 : value.index("]")]
    elif value.count(":") == 1:  # 203.0.113.7:443
        value = value.split(":")[0]
    try:
        return ipaddress.ip_address(value)
    except ValueError:
        return None


def client_ip(request) -> str:
    """The address of the person at the other end, as far as trusted proxies vouch for it."""
    peer = request.META.get("REMOTE_ADDR", "")
    trusted = settings.VECHE_TRUSTED_PROXIES
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if not trusted or not forwarded:
        return peer
    # Nearest first: the socket's peer, then what each proxy appended, right to left.
    chain = [peer, *reversed(forwarded.split(","))]
    if isinstance(trusted, int):
        # The first `trusted` hops are our proxies; the one behind them is the client.
        hops = chain[: trusted + 1]
        for index, hop in enumerate(hops):
            if _address(hop) is None:
                # A proxy wrote something unreadable: stay with the last address we can trust.
                return str(_address(hops[index - 1])) if index else peer
        return str(_address(hops[-1]))
    networks = [ipaddress.ip_network(network) for network in trusted]
    client = _address(peer)
    for hop in chain[1:]:
        if client is None or not any(client in network for network in networks):
            break
        address = _address(hop)
        if address is None:
            break
        client = address
    return str(client) if client is not None else peer


def rate_key(address: str) -> str:
    """What a limit per address counts: an IPv4 address, or the /64 of an IPv6 one. A home
    line or a phone is given a whole /64 and may send from any of its 2^64 addresses, so a
    limit on single IPv6 addresses limits nobody (an IPv4-mapped address is the IPv4 one)."""
    parsed = _address(address)
    if parsed is None:
        return address
    if isinstance(parsed, ipaddress.IPv6Address) and parsed.ipv4_mapped:
        return str(parsed.ipv4_mapped)
    if parsed.version == 4:
        return str(parsed)
    return str(ipaddress.ip_network(f"{parsed}/64", strict=False))


def client_rate_key(request) -> str:
    """`rate_key` of the request's client (`client_ip`)."""
    return rate_key(client_ip(request))
