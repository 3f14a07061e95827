from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from oauth2_provider.apps import DOTConfig


class ApiConfig(AppConfig):
    default = True  # the application's own, beside a library's renamed below
    name = "veche.api"
    label = "api"
    verbose_name = _("API")

    def ready(self) -> None:
        from veche.accounts import personal_data
        from veche.api import (
            notices,
            schema,  # noqa: F401  (the authentication's OpenAPI description)
            webhooks,
        )
        from veche.api.open311 import services as open311

        webhooks.register()
        notices.register()
        personal_data.register("open311", export=open311.export_keys, erase=open311.erase_keys)
        personal_data.register(
            "webhooks", export=webhooks.export_subscriptions, erase=webhooks.erase_subscriptions
        )


class OAuthToolkitConfig(DOTConfig):
    """Django OAuth Toolkit, under Veche's names: its application and its models have none an
    operator can read in Russian (the library names its models by their classes, with no
    translation). Its models' options stay as the library made them, so its migrations do."""

    verbose_name = _("API access (OAuth 2.0)")

    def ready(self) -> None:
        super().ready()
        from oauth2_provider import models

        names = {
            models.get_application_model(): (_("application"), _("applications")),
            models.get_grant_model(): (_("authorization grant"), _("authorization grants")),
            models.get_access_token_model(): (_("access token"), _("access tokens")),
            models.get_refresh_token_model(): (_("refresh token"), _("refresh tokens")),
            models.get_id_token_model(): (_("ID token"), _("ID tokens")),
        }
        for model, (singular, plural) in names.items():
            model._meta.verbose_name, model._meta.verbose_name_plural = singular, plural
