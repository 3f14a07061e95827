"""Rates of the API (settings VECHE_API_ANON_PER_MINUTE, VECHE_API_CLIENT_PER_MINUTE):
anonymous readers counted per address, as `veche.core.net` sees it behind trusted proxies;
clients counted per client. Past the rate: 429 with Retry-After."""

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

from veche.core.net import client_ip


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
        return self.cache_format % {"scope": self.scope, "ident": client_ip(request._request)}


class ClientThrottle(_SettingsRate):
    scope = "client"
    setting = "VECHE_API_CLIENT_PER_MINUTE"

    def get_cache_key(self, request, view):
        client = getattr(request._request, "api_client", None)
        if client is None:
            return None
        return self.cache_format % {"scope": self.scope, "ident": client.pk}
