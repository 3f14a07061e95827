"""The one check before the server connects to an address that someone other than the operator
chose (an identity provider's issuer and the URLs its discovery document names): public http(s)
addresses only, unless the operator allowed the host in VECHE_OUTBOUND_ALLOWED_HOSTS.

Without it, an administrator's typo or a hostile provider could make the server request its own
loopback services, the private network or the cloud metadata service (169.254.169.254) and show
or use the answer (server-side request forgery, OWASP ASVS V12.6.1).
"""

import ipaddress
import socket
from urllib.parse import urlsplit

import requests
from django.conf import settings
from django.utils.translation import gettext as _

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
SCHEMES = ("http", "https")
# IPv6 prefixes that carry an IPv4 address inside, so ::ffff:127.0.0.1 or NAT64's
# 64:ff9b::7f00:1 are judged by the IPv4 address they reach.
NAT64 = ipaddress.IPv6Network("64:ff9b::/96")


class OutboundURLRefused(requests.exceptions.InvalidURL):
    """The URL leads somewhere the server must not connect to. A requests error (and a
    ValueError), so code that handles an unreachable server handles a refused one the same
    way: allauth shows its sign-in error page rather than failing."""


def check_outbound_url(
    url: str, *, allow_private: bool = False, allowed: list[str] | None = None
) -> str:
    """Return `url` if the server may connect to it; raise OutboundURLRefused if not.

    The host is resolved here, and every address it resolves to must be public: one private
    answer among public ones is how DNS rebinding slips through. `allowed` is the operator's
    list that admits a private host (VECHE_OUTBOUND_ALLOWED_HOSTS unless another is named)."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise OutboundURLRefused(_("This is not a valid address.")) from None
    if parts.scheme.lower() not in SCHEMES:
        raise OutboundURLRefused(_("Only http:// and https:// addresses are allowed."))
    if parts.username is not None or parts.password is not None:
        raise OutboundURLRefused(_("An address must not carry a user name or password."))
    host = (parts.hostname or "").rstrip(".")
    if not host:
        raise OutboundURLRefused(_("The address has no host."))
    if allow_private or is_allowed_by_operator(host, allowed):
        return url
    default_port = 443 if parts.scheme.lower() == "https" else 80
    for address in resolve(host, port or default_port):
        if not is_public(address):
            raise OutboundURLRefused(
                _("The server does not connect to %(host)s: it is not a public address.")
                % {"host": host}
            )
    return url


def resolve(host: str, port: int) -> list[IPAddress]:
    try:
        answers = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise OutboundURLRefused(
            _("The host %(host)s could not be found.") % {"host": host}
        ) from None
    # The scope of a link-local IPv6 answer ("fe80::1%eth0") is not part of the address.
    return [ipaddress.ip_address(answer[4][0].split("%", 1)[0]) for answer in answers]


def is_public(address: IPAddress) -> bool:
    if isinstance(address, ipaddress.IPv6Address):
        inner = address.ipv4_mapped or address.sixtofour or _nat64(address)
        if inner is None and address.teredo:
            inner = address.teredo[1]
        if inner is not None:
            return is_public(inner)
    return address.is_global and not (
        address.is_multicast
        or address.is_reserved
        or address.is_link_local
        or address.is_loopback
        or address.is_private
        or address.is_unspecified
    )


def _nat64(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if address in NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def is_allowed_by_operator(host: str, allowed: list[str] | None = None) -> bool:
    """Whether the operator listed this host (a name, an address or a network) as reachable
    even though it is not public, e.g. an identity provider inside the same private network."""
    host = host.lower().strip("[]")
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        address = None
    if allowed is None:
        allowed = settings.VECHE_OUTBOUND_ALLOWED_HOSTS
    for entry in allowed:
        entry = entry.lower().strip("[]")
        if entry == host:
            return True
        if address is not None and "/" in entry:
            network = ipaddress.ip_network(entry, strict=False)
            if address.version == network.version and address in network:
                return True
    return False


def approved_address(url: str, *, allowed: list[str] | None = None) -> IPAddress:
    """Check `url` as `check_outbound_url` does and return the address to connect to: the one
    the check approved, so that nothing resolves the name again between the check and the
    connection (DNS rebinding). A host the operator admitted is resolved without the check."""
    check_outbound_url(url, allow_private=True)  # the scheme, the host; no resolving yet
    parts = urlsplit(url)
    default_port = 443 if parts.scheme.lower() == "https" else 80
    host = (parts.hostname or "").rstrip(".")
    # One lookup: the addresses checked are the addresses connected to.
    addresses = resolve(host, parts.port or default_port)
    if not is_allowed_by_operator(host, allowed) and not all(map(is_public, addresses)):
        raise OutboundURLRefused(
            _("The server does not connect to %(host)s: it is not a public address.")
            % {"host": host}
        )
    return addresses[0]


class PinnedHTTPAdapter(requests.adapters.HTTPAdapter):
    """A transport whose TLS handshake names (SNI) and verifies the certificate of `host` while
    the connection goes to the pinned address that the request's URL carries."""

    def __init__(self, host: str, **kwargs):
        self.pinned_host = host
        super().__init__(**kwargs)

    def init_poolmanager(self, *args, **kwargs):
        # urllib3 drops both for plain http connections.
        kwargs["server_hostname"] = self.pinned_host
        kwargs["assert_hostname"] = self.pinned_host
        super().init_poolmanager(*args, **kwargs)


def post_pinned(url: str, address: IPAddress, **kwargs) -> requests.Response:
    """POST to `url` over a connection to `address` (approved by `approved_address`): the Host
    header and the TLS server name stay those of the URL's host."""
    parts = urlsplit(url)
    host = (parts.hostname or "").rstrip(".")
    literal = f"[{address}]" if address.version == 6 else str(address)
    netloc = f"{literal}:{parts.port}" if parts.port else literal
    headers = dict(kwargs.pop("headers", None) or {})
    headers["Host"] = parts.netloc  # no user info: check_outbound_url refuses it
    with requests.Session() as session:
        session.trust_env = False  # no proxy: the connection goes to the address itself
        adapter = PinnedHTTPAdapter(host)
        session.mount("http://", adapter)
        session.mount("https://", adapter)
        return session.post(
            parts._replace(netloc=netloc).geturl(), headers=headers, allow_redirects=False, **kwargs
        )


class GuardedHTTPAdapter(requests.adapters.HTTPAdapter):
    """A requests transport that checks every request it sends, each redirect included
    (requests sends every hop of a redirect through the session's adapter)."""

    def send(self, request, *args, **kwargs):
        check_outbound_url(request.url)
        return super().send(request, *args, **kwargs)


def guard_session(session: requests.Session) -> requests.Session:
    adapter = GuardedHTTPAdapter()
    for prefix in ("http://", "https://"):
        session.mount(prefix, adapter)
    return session
