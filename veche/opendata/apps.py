from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpenDataConfig(AppConfig):
    name = "veche.opendata"
    verbose_name = _("Open data")
    label = "opendata"

    def ready(self) -> None:
        from veche.opendata import withdrawal

        withdrawal.register()
