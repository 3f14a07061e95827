"""Top-level URL map: one include per domain app."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language

from veche.accounts.views import admin_login
from veche.identity import oidc

urlpatterns = [
    path("", include("veche.core.urls")),
    path("accounts/open311-keys/", include("veche.api.open311.keys_urls")),
    path("accounts/webhooks/", include("veche.api.urls_subscriber")),
    path("accounts/", include("veche.accounts.urls")),
    # Our stricter OpenID Connect views take allauth's addresses (signature and nonce checked).
    path("accounts/oidc/<str:provider_id>/login/", oidc.login, name="openid_connect_login"),
    path(
        "accounts/oidc/<str:provider_id>/login/callback/",
        oidc.callback,
        name="openid_connect_callback",
    ),
    path("accounts/", include("allauth.urls")),
    path("verification/", include("veche.identity.urls")),
    path("", include("veche.appeals.urls")),  # problems/, and documents/ of appeals and answers
    path("discussions/", include("veche.discussions.urls")),
    path("reporting/", include("veche.reporting.urls")),
    path("statistics/", include("veche.reporting.urls_public")),
    # The widgets other sites frame, their oEmbed, and the operator's page of those sites.
    path("", include("veche.embeds.urls")),
    path("cabinet/api-clients/", include("veche.api.urls_clients")),
    path("cabinet/webhooks/", include("veche.api.urls_webhooks")),
    path("cabinet/", include("veche.cabinet.urls")),
    path("api/v1/", include("veche.api.urls")),
    path("", include("veche.opendata.urls")),  # feeds/… and open-data/
    path("open311/v2/", include("veche.api.open311.urls")),
    path("documents/", include("veche.documents.urls")),
    path("notifications/", include("veche.notifications.urls")),
    path("moderation/", include("veche.moderation.urls")),
    path("", include("veche.territories.urls")),  # /territories/… and /territory/choose/
    path("organizations/", include("veche.organizations.urls")),
    path("i18n/setlang/", set_language, name="set_language"),
    # One sign-in for everyone: the admin's form hands over to allauth's (second factor, limits).
    path("admin/login/", admin_login),
    path("admin/", admin.site.urls),
]

# Veche's own pages for refusals and failures, in the person's language (`core/errors.py`).
handler400 = "veche.core.errors.bad_request"
handler403 = "veche.core.errors.permission_denied"
handler404 = "veche.core.errors.page_not_found"
handler500 = "veche.core.errors.server_error"
# Not a Django name: allauth's sign-in rate limit looks it up here.
handler429 = "veche.core.errors.too_many_requests"

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
