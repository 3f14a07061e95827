from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "veche.api"
    label = "api"
    verbose_name = _("API")

    def ready(self) -> None:
        from veche.accounts import personal_data
        from veche.api import (
            schema,  # noqa: F401  (the authentication's OpenAPI description)
            webhooks,
        )
        from veche.api.open311 import services as open311

        webhooks.register()
        personal_data.register("open311", export=open311.export_keys, erase=open311.erase_keys)
