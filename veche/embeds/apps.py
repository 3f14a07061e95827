from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EmbedsConfig(AppConfig):
    name = "veche.embeds"
    label = "embeds"
    verbose_name = _("Embeddable widgets")

    def ready(self) -> None:
        from veche.embeds import sections

        sections.register()
