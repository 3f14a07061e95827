from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganizationsConfig(AppConfig):
    name = "veche.organizations"
    verbose_name = _("Organizations")
    label = "organizations"

    def ready(self) -> None:
        from veche.organizations import sections

        sections.register()
