"""OpenID Connect sign-in, stricter than allauth's defaults.

allauth skips the ID token signature when the token came straight from the token endpoint (the
specification allows it) and sends no nonce. For identity that courts may rely on we want both:
the signature is always checked against the provider's JWKS, and a nonce bound to the browser's
state must come back inside the signed token.

allauth also trusts whatever issuer the discovery document names, so a provider configured as one
issuer could sign people in as another (the "mix-up" attack). Here one issuer speaks: the one the
administrator configured must equal, character for character, the discovery document's `issuer`
(OIDC Discovery §4.3), the ID token's `iss` (Core §3.1.3.7) and the authorization response's `iss`
(RFC 9207); and the account is bound to the ID token's `sub`, which userinfo must repeat (Core
§5.3.2).
"""

import logging

import jwt
import requests
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.internal import jwtkit
from allauth.socialaccount.models import SocialApp
from allauth.socialaccount.providers.oauth2.client import OAuth2Error
from allauth.socialaccount.providers.oauth2.views import OAuth2CallbackView, OAuth2LoginView
from allauth.socialaccount.providers.openid_connect.provider import OpenIDConnectProvider
from allauth.socialaccount.providers.openid_connect.views import OpenIDConnectOAuth2Adapter
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.utils.crypto import constant_time_compare, get_random_string
from django.utils.translation import gettext as _

from veche.core.net_guard import guard_session

logger = logging.getLogger(__name__)

NONCE_LENGTH = 32


def refuse(request, reason: str, message: str) -> ImmediateHttpResponse:
    """The sign-in stops here: the person is told why, the log keeps the technical reason."""
    logger.warning("OpenID Connect sign-in refused: %s", reason)
    messages.error(request, message)
    return ImmediateHttpResponse(redirect("account_login"))


def _untrusted_issuer(request, reason: str) -> ImmediateHttpResponse:
    return refuse(
        request,
        reason,
        _(
            "The identity provider's answer could not be trusted: it was issued on behalf of "
            "another provider. Nothing was saved; please tell the site administrator."
        ),
    )


class VecheOIDCAdapter(OpenIDConnectOAuth2Adapter):
    @property
    def configured_issuer(self) -> str:
        return self.get_provider().app.settings["server_url"]

    @property
    def openid_config(self) -> dict:
        try:
            config = super().openid_config
        except (requests.RequestException, ValueError) as error:
            # Down, refused by the outbound guard, or not speaking JSON: the person is told so
            # on the sign-in page, never shown an error page.
            raise refuse(
                self.request,
                f"discovery at {self.configured_issuer!r} failed: {error}",
                _(
                    "The identity provider cannot be reached just now. Please try again later "
                    "or sign in another way."
                ),
            ) from None
        if config.get("issuer") != self.configured_issuer:
            raise _untrusted_issuer(
                self.request,
                f"discovery names the issuer {config.get('issuer')!r}, "
                f"configured is {self.configured_issuer!r}",
            )
        return config

    def get_access_token_data(self, request, app, client, pkce_code_verifier=None):
        """The authorization response must come from our issuer before its code is spent."""
        issuer = request.GET.get("iss")
        if issuer is None:
            if self.openid_config.get("authorization_response_iss_parameter_supported"):
                raise _untrusted_issuer(
                    request, "the authorization response carries no iss, though promised"
                )
        elif issuer != self.configured_issuer:
            raise _untrusted_issuer(
                request, f"the authorization response names the issuer {issuer!r}"
            )
        return super().get_access_token_data(
            request, app, client, pkce_code_verifier=pkce_code_verifier
        )

    def complete_login(self, request, app, token, **kwargs):
        """The signed ID token names the person; userinfo may only add to what it says of them."""
        id_token = kwargs["response"].get("id_token")
        claims = self._decode_id_token(app, id_token) if id_token else {}
        subject = claims.get("sub")
        if not isinstance(subject, str) or not subject:
            raise refuse(
                request,
                "no ID token, or one that names no subject",
                _(
                    "The identity provider's answer could not be trusted: it did not say who "
                    "signed in. Nothing was saved."
                ),
            )
        data = {"id_token": claims}
        if app.settings.get("fetch_userinfo", True):
            userinfo = self._fetch_user_info(token.token)
            if not isinstance(userinfo, dict) or userinfo.get("sub") != subject:
                raise refuse(
                    request,
                    f"userinfo describes {userinfo.get('sub')!r}, the ID token {subject!r}"
                    if isinstance(userinfo, dict)
                    else "userinfo is not a JSON object",
                    _(
                        "The identity provider's answer could not be trusted: its profile "
                        "describes another person than the one who signed in. Nothing was saved."
                    ),
                )
            data["userinfo"] = userinfo
        return self.get_provider().sociallogin_from_response(request, data)

    def _decode_id_token(self, app: SocialApp, id_token: str) -> dict:
        try:
            return jwtkit.verify_and_decode(
                credential=id_token,
                keys_url=self.openid_config["jwks_uri"],
                issuer=self.configured_issuer,
                audience=app.client_id,
                lookup_kid=jwtkit.lookup_kid_jwk,
                verify_signature=True,
            )
        except OAuth2Error as error:
            if isinstance(error.__cause__, jwt.InvalidIssuerError) or (
                isinstance(error.__cause__, jwt.MissingRequiredClaimError)
                and error.__cause__.claim == "iss"
            ):
                raise _untrusted_issuer(
                    self.request, f"the ID token's iss is not {self.configured_issuer!r}"
                ) from error
            raise


class VecheOIDCProvider(OpenIDConnectProvider):
    """allauth's provider with a nonce in every authorization request."""

    package = "allauth.socialaccount.providers.openid_connect"
    oauth2_adapter_class = VecheOIDCAdapter

    def wk_server_url(self, url):
        """Discovery §4: an issuer's terminating "/" is removed before the well-known path is
        appended (ESIA's issuer ends with one); the issuer itself keeps it for comparison."""
        if "/.well-known/" not in url:
            url = url.rstrip("/")
        return super().wk_server_url(url)

    def redirect(self, request, process, next_url=None, data=None, **kwargs):
        nonce = get_random_string(NONCE_LENGTH)
        auth_params = kwargs.pop("auth_params", None)
        if auth_params is None:
            auth_params = self.get_auth_params()
        auth_params = {**auth_params, "nonce": nonce}
        return super().redirect(
            request, process, next_url, data, auth_params=auth_params, nonce=nonce, **kwargs
        )


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def pre_social_login(self, request, sociallogin):
        """Refuse a sign-in whose ID token does not carry the nonce we sent (all our social
        sign-ins are OpenID Connect)."""
        expected = (sociallogin.state or {}).get("nonce")
        received = (sociallogin.account.extra_data.get("id_token") or {}).get("nonce")
        if not expected or not received or not constant_time_compare(expected, received):
            messages.error(
                request,
                _(
                    "The identity provider's answer could not be trusted "
                    "(the one-time code did not match). Please try again."
                ),
            )
            raise ImmediateHttpResponse(redirect("account_login"))
        super().pre_social_login(request, sociallogin)

    def get_requests_session(self):
        # Discovery, keys, token and user info (and each redirect) reach public addresses only,
        # whatever the provider's discovery document names: veche.core.net_guard.
        return guard_session(super().get_requests_session())


def login(request, provider_id):
    try:
        return OAuth2LoginView.adapter_view(VecheOIDCAdapter(request, provider_id))(request)
    except SocialApp.DoesNotExist:
        raise Http404 from None


def callback(request, provider_id):
    try:
        return OAuth2CallbackView.adapter_view(VecheOIDCAdapter(request, provider_id))(request)
    except SocialApp.DoesNotExist:
        raise Http404 from None
