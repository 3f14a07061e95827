"""Rates of the API (settings VECHE_API_ANON_PER_MINUTE, VECHE_API_CLIENT_PER_MINUTE):
anonymous readers counted per address (an IPv6 one by its /64, `veche.core.net.rate_key`), as
`veche.core.net` sees it behind trusted proxies;
clients counted per client. Past the rate: 429 with Retry-After.

The token endpoint (`veche.api.oauth.TokenView`, not a DRF view) has rates of its own, per
address and per client_id asked for: each try there checks a client's secret with the password
hasher (Argon2, some 0.6 s and 100 MB), so a few a minute are all a client needs."""

import base64
import hashlib
from urllib.parse import unquote_plus

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

from veche.core.net import client_rate_key


class _SettingsRate(SimpleRateThrottle):
    setting = ""

    def get_rate(self) -> str:
        # Read on each request (not once at import, as DRF does), so the setting is the truth.
        return f"{getattr(settings, self.setting)}/min"


class AnonymousThrottle(_SettingsRate):
    scope = "anonymous"
    setting = "VECHE_API_ANON_PER_MINUTE"

    def get_cache_key(self, request, view):
        if getattr(request._request, "api_client", None) is not None:
            return None
        return self.cache_format % {"scope": self.scope, "ident": client_rate_key(request._request)}


class ClientThrottle(_SettingsRate):
    scope = "client"
    setting = "VECHE_API_CLIENT_PER_MINUTE"

    def get_cache_key(self, request, view):
        client = getattr(request._request, "api_client", None)
        if client is None:
            return None
        return self.cache_format % {"scope": self.scope, "ident": client.pk}


# --- The token endpoint (a Django request, not DRF's) -----------------------------------------


class TokenAddressThrottle(_SettingsRate):
    """Tries at the token endpoint from one address, whatever client they name."""

    scope = "token_address"
    setting = "VECHE_API_TOKEN_ADDRESS_PER_MINUTE"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": client_rate_key(request)}


class TokenClientThrottle(_SettingsRate):
    """Tries at the token endpoint for one client_id, from wherever they come."""

    scope = "token_client"
    setting = "VECHE_API_TOKEN_CLIENT_PER_MINUTE"

    def get_cache_key(self, request, view):
        client_id = asked_client_id(request)
        if not client_id:
            return None
        # A digest: the client_id is the caller's text, of any length and characters.
        ident = hashlib.sha256(client_id.encode()).hexdigest()[:32]
        return self.cache_format % {"scope": self.scope, "ident": ident}


def asked_client_id(request) -> str:
    """The client_id a token request names: in HTTP Basic credentials (RFC 6749 2.3.1, each
    part form-encoded), else in the body."""
    scheme, _, credentials = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() == "basic":
        try:
            decoded = base64.b64decode(credentials.strip(), validate=True).decode()
        except ValueError:  # not base64, or not UTF-8
            return ""
        return unquote_plus(decoded.partition(":")[0])
    return request.POST.get("client_id", "")
