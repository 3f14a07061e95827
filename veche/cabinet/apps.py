from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CabinetConfig(AppConfig):
    name = "veche.cabinet"
    label = "cabinet"

    def ready(self) -> None:
        from veche.core.navigation import register_workspace

        register_workspace(
            label=_("Cabinet"), url_name="cabinet:home", permission="cabinet.enter", order=10
        )
