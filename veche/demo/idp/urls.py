"""URLs of the demo identity provider: its pages at the root, OpenID Connect under the issuer."""

from django.conf import settings
from django.urls import include, path, re_path
from django.views.generic import RedirectView
from oauth2_provider import views as oauth2_views

from . import views
from .oidc import DiscoveryView

pages = (
    [
        path("", RedirectView.as_view(pattern_name="demo_idp:sign_in"), name="home"),
        path("sign-in/", views.sign_in, name="sign_in"),
        path("sign-in/as/", views.sign_in_as, name="sign_in_as"),
        path("signed-in/", views.signed_in, name="signed_in"),
        path("sign-out/", views.sign_out, name="sign_out"),
    ],
    "demo_idp",
)

# Only what a relying party needs: no application management, no client registration.
oidc_endpoints = (
    [
        path("authorize/", views.ConsentView.as_view(), name="authorize"),
        path("token/", oauth2_views.TokenView.as_view(), name="token"),
        path("revoke_token/", oauth2_views.RevokeTokenView.as_view(), name="revoke-token"),
        re_path(
            r"^\.well-known/openid-configuration/?$",
            DiscoveryView.as_view(),
            name="oidc-connect-discovery-info",
        ),
        path(".well-known/jwks.json", oauth2_views.JwksInfoView.as_view(), name="jwks-info"),
        path("userinfo/", oauth2_views.UserInfoView.as_view(), name="user-info"),
    ],
    "oauth2_provider",
)

urlpatterns = [
    path("", include(pages)),
    # The issuer's path, so that discovery sits at <ISSUER>/.well-known/openid-configuration.
    path(f"{settings.ISSUER_PATH}/" if settings.ISSUER_PATH else "", include(oidc_endpoints)),
]
