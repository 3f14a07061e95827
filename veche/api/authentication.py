"""Bearer tokens of organizations' API clients. A valid token makes the request act as the
client's own account (an official of its organization), so every rule and service applies to
it exactly as to a person in the cabinet; `request.auth` is the access token, and the client
rides along as `request.api_client`."""

import hashlib

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from oauth2_provider.models import get_access_token_model
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header

from veche.api.models import ApiClient

INVALID = _("The access token is not valid, has expired, or its client was revoked.")


def _token_client(raw: str):
    checksum = hashlib.sha256(raw.encode()).hexdigest()
    token = (
        get_access_token_model()
        .objects.select_related("application")
        .filter(token_checksum=checksum)
        .first()
    )
    if token is None or token.expires <= timezone.now() or token.application is None:
        return None, None
    client = (
        ApiClient.objects.select_related("account", "organization")
        .filter(application=token.application, revoked_at__isnull=True)
        .first()
    )
    if client is None or not client.account.is_active:
        return None, None
    return token, client


class ClientTokenAuthentication(BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(INVALID)
        try:
            raw = header[1].decode()
        except UnicodeError:
            raise exceptions.AuthenticationFailed(INVALID) from None
        token, client = _token_client(raw)
        if client is None:
            raise exceptions.AuthenticationFailed(INVALID)
        request._request.api_client = client
        return client.account, token

    def authenticate_header(self, request) -> str:
        return f'{self.keyword} realm="api"'
