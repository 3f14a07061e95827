"""OAuth2 for API clients: a token carries only scopes its organization gave the client, and the
token endpoint is throttled."""

import math

from django.utils.decorators import method_decorator
from django.utils.translation import ngettext
from django.views.decorators.debug import sensitive_post_parameters
from oauth2_provider import views as oauth_views
from oauth2_provider.scopes import SettingsScopes

from veche.api.errors import problem
from veche.api.throttles import TokenAddressThrottle, TokenClientThrottle


def _client_scopes(application) -> list[str]:
    client = getattr(application, "api_client", None) if application is not None else None
    if client is None or not client.active:
        return []
    return list(client.scopes)


class ClientScopes(SettingsScopes):
    def get_available_scopes(self, application=None, request=None, *args, **kwargs):
        return _client_scopes(application)

    def get_default_scopes(self, application=None, request=None, *args, **kwargs):
        # A token asked for without a scope gets every scope the client holds.
        return _client_scopes(application)


class TokenView(oauth_views.TokenView):
    """Django OAuth Toolkit's token endpoint (outside DRF, so the API's throttles do not
    apply), with rates per address and per client_id: every try checks a client's secret
    with the password hasher, costly on purpose. Past either, 429 problem details with
    Retry-After, and no secret is checked."""

    throttles = (TokenAddressThrottle, TokenClientThrottle)

    @method_decorator(sensitive_post_parameters("client_secret"))
    def post(self, request, *args, **kwargs):
        waits = []
        for throttle in (each() for each in self.throttles):
            if not throttle.allow_request(request, self):
                waits.append(throttle.wait() or 1)
        if waits:
            wait = math.ceil(max(waits))
            detail = ngettext(
                "Too many requests for a token in a short time. Try again in %(seconds)d second.",
                "Too many requests for a token in a short time. Try again in %(seconds)d seconds.",
                wait,
            ) % {"seconds": wait}
            return problem(429, detail, headers={"Retry-After": str(wait)})
        return super().post(request, *args, **kwargs)
