"""Which redirect URIs the provider sends codes to: registered ones, and local test servers."""

import re

# Veche's allauth callback for the "demo-esia" provider.
CALLBACK_PATH = "/accounts/oidc/demo-esia/login/callback/"

# Plain http on the loopback host, any port, exactly the callback path: nothing before the
# host (no user info), nothing after the path (no query, no fragment).
_LOCAL_CALLBACK = re.compile(
    r"http://(?:127\.0\.0\.1|localhost):(?P<port>[1-9][0-9]{0,4})" + re.escape(CALLBACK_PATH)
)


def redirect_uri_allowed(uri: str, registered: list[str], *, allow_any_local_port: bool) -> bool:
    """Exact string match with a registered URI (OpenID Connect Core 3.1.2.1); with
    `allow_any_local_port`, also Veche's callback on any port of this machine, because test
    servers pick a free port at random."""
    if uri in registered:
        return True
    if not allow_any_local_port:
        return False
    match = _LOCAL_CALLBACK.fullmatch(uri)
    return match is not None and int(match["port"]) <= 65535
