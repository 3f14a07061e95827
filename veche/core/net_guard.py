"""The one check before the server connects to an address that someone other than the operator
chose (an identity provider's issuer and the URLs its discovery document names): public http(s)
addresses only, unless the operator allowed the host in VECHE_OUTBOUND_ALLOWED_HOSTS.

Without it, an administrator's typo or a hostile provider could make the server request its own
loopback services, the private network or the cloud metadata service (169.254.169.254) and show
or use the answer (server-side request forgery, OWASP ASVS V12.6.1).
"""

import concurrent.futures
import contextlib
import ipaddress
import math
import socket
import threading
from urllib.parse import urlsplit

import requests
import urllib3
from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

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


# Lookups with a time limit run on threads of their own, so that the caller can stop waiting:
# getaddrinfo cannot be interrupted, and a slow name server (a hostile endpoint's own) would
# hold the caller for the resolver's timeouts, 5 s a try, tries times servers. A lookup given
# up on finishes on its thread; a few threads bound how many such lookups wait at once.
_LOOKUPS = concurrent.futures.ThreadPoolExecutor(max_workers=4, thread_name_prefix="veche-dns")


class LookupTooSlow(requests.exceptions.Timeout):
    """The host's name was not resolved within the time allowed (tried again later)."""


def resolve(host: str, port: int, *, timeout: float | None = None) -> list[IPAddress]:
    """The addresses of `host`; within `timeout` seconds or LookupTooSlow, if one is given."""
    try:
        if timeout is None:
            answers = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        else:
            lookup = _LOOKUPS.submit(socket.getaddrinfo, host, port, type=socket.SOCK_STREAM)
            answers = lookup.result(timeout=timeout)
    except concurrent.futures.TimeoutError:
        raise LookupTooSlow(
            _("The host %(host)s was not found in time.") % {"host": host}
        ) from None
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
        # fec0::/10, deprecated (RFC 3879) but still routed inside some networks; Python counts
        # it as global.
        or (address.version == 6 and address.is_site_local)
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


def approved_address(
    url: str, *, allowed: list[str] | None = None, timeout: float | None = None
) -> IPAddress:
    """Check `url` as `check_outbound_url` does and return the address to connect to: the one
    the check approved, so that nothing resolves the name again between the check and the
    connection (DNS rebinding). A host the operator admitted is resolved without the check.
    The lookup takes at most `timeout` seconds, if given (LookupTooSlow)."""
    check_outbound_url(url, allow_private=True)  # the scheme, the host; no resolving yet
    parts = urlsplit(url)
    default_port = 443 if parts.scheme.lower() == "https" else 80
    host = (parts.hostname or "").rstrip(".")
    # One lookup: the addresses checked are the addresses connected to.
    addresses = resolve(host, parts.port or default_port, timeout=timeout)
    if not is_allowed_by_operator(host, allowed) and not all(map(is_public, addresses)):
        raise OutboundURLRefused(
            _("The server does not connect to %(host)s: it is not a public address.")
            % {"host": host}
        )
    return addresses[0]


class AnswerTooSlow(requests.exceptions.Timeout):
    """The whole exchange (connecting, sending, the answer's status and headers) took longer
    than allowed."""


class _Watch:
    """The sockets of one exchange, shut down when its time is up. A read timeout bounds each
    read, not the exchange: a peer that sends a byte a second would otherwise hold the caller
    for as long as it likes, so a timer ends the connection itself."""

    def __init__(self):
        self._lock = threading.Lock()
        self._sockets: list[socket.socket] = []
        self.expired = False

    def add(self, sock: socket.socket) -> None:
        # A duplicate of our own: shutting it down ends the connection whatever became of the
        # original (TLS takes that one over), and its number cannot be closed and given to
        # another connection before we are done with it.
        copy = sock.dup()
        with self._lock:
            self._sockets.append(copy)
            if self.expired:
                _shut(copy)

    def expire(self) -> None:
        with self._lock:  # never at the same time as `close`: no number is reused meanwhile
            self.expired = True
            for sock in self._sockets:
                _shut(sock)

    def close(self) -> None:
        with self._lock:
            for sock in self._sockets:
                sock.close()
            self._sockets = []


def _shut(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):  # already closed by its peer or by us
        sock.shutdown(socket.SHUT_RDWR)  # a read or write blocked on it returns at once


def _watched(pool_class, watch: _Watch):
    """`pool_class` whose every new connection's socket is handed to `watch`."""

    class Connection(pool_class.ConnectionCls):
        def _new_conn(self):
            sock = super()._new_conn()
            watch.add(sock)
            return sock

    return type(pool_class.__name__, (pool_class,), {"ConnectionCls": Connection})


class PinnedHTTPAdapter(requests.adapters.HTTPAdapter):
    """A transport whose TLS handshake names (SNI) and verifies the certificate of `host` while
    the connection goes to the pinned address that the request's URL carries; its sockets are
    given to `watch`, which ends them when the exchange's time is up."""

    def __init__(self, host: str, watch: _Watch | None = None, **kwargs):
        self.pinned_host = host
        self.watch = watch
        super().__init__(**kwargs)

    def init_poolmanager(self, *args, **kwargs):
        # urllib3 drops both for plain http connections.
        kwargs["server_hostname"] = self.pinned_host
        kwargs["assert_hostname"] = self.pinned_host
        super().init_poolmanager(*args, **kwargs)
        if self.watch is not None:
            self.poolmanager.pool_classes_by_scheme = {
                "http": _watched(urllib3.HTTPConnectionPool, self.watch),
                "https": _watched(urllib3.HTTPSConnectionPool, self.watch),
            }


def post_pinned(url: str, address: IPAddress, *, timeout: float, **kwargs) -> requests.Response:
    """POST to `url` over a connection to `address` (approved by `approved_address`): the Host
    header and the TLS server name stay those of the URL's host.

    The whole exchange, from connecting to the answer's status and headers, ends within
    `timeout` seconds, or AnswerTooSlow is raised. The answer's body is never read (only its
    status and headers count, and a peer could send gigabytes): the connection is closed as
    soon as the headers are in."""
    parts = urlsplit(url)
    host = (parts.hostname or "").rstrip(".")
    literal = f"[{address}]" if address.version == 6 else str(address)
    netloc = f"{literal}:{parts.port}" if parts.port else literal
    headers = dict(kwargs.pop("headers", None) or {})
    headers["Host"] = parts.netloc  # no user info: check_outbound_url refuses it
    watch = _Watch()
    timer = threading.Timer(timeout, watch.expire)
    timer.daemon = True
    with requests.Session() as session:
        session.trust_env = False  # no proxy: the connection goes to the address itself
        adapter = PinnedHTTPAdapter(host, watch)
        session.mount("http://", adapter)
        session.mount("https://", adapter)
        timer.start()
        try:
            response = session.post(
                parts._replace(netloc=netloc).geturl(),
                headers=headers,
                allow_redirects=False,
                timeout=timeout,
                stream=True,
                **kwargs,
            )
            response.close()
        except (requests.RequestException, OSError) as error:
            if watch.expired:
                raise _too_slow(timeout) from error
            raise
        finally:
            timer.cancel()
            watch.close()
    if watch.expired:
        # Cut off mid-answer: http.client takes the end of the connection for the end of the
        # headers, so what arrived may look like a whole answer. It is not one.
        raise _too_slow(timeout)
    return response


def _too_slow(timeout: float) -> AnswerTooSlow:
    seconds = math.ceil(timeout)
    return AnswerTooSlow(
        ngettext(
            "No answer within %(seconds)d second.",
            "No answer within %(seconds)d seconds.",
            seconds,
        )
        % {"seconds": seconds}
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
