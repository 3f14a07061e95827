from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    name = "veche.reporting"
    label = "reporting"

    def ready(self) -> None:
        from veche.core.navigation import register_workspace

        register_workspace(
            label=_("E-control"),
            url_name="reporting:discussions",
            permission="reporting.view_dashboard",
            order=30,
        )
