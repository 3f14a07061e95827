from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "veche.api"
    label = "api"
    verbose_name = _("API")

    def ready(self) -> None:
        from veche.api import (
            schema,  # noqa: F401  (the authentication's OpenAPI description)
            webhooks,
        )

        webhooks.register()
