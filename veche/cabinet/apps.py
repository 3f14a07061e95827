from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CabinetConfig(AppConfig):
    name = "veche.cabinet"
    label = "cabinet"

    def ready(self) -> None:
        from veche.accounts import personal_data
        from veche.cabinet import notices, queries_organization, sections, services
        from veche.core import outbox
        from veche.core.navigation import register_workspace

        register_workspace(
            label=_("Cabinet"), url_name="cabinet:home", permission="cabinet.enter", order=10
        )
        outbox.register(notices.INVITATION_KIND, notices.send_invitation)
        notices.register()
        personal_data.register(
            "cabinet", export=queries_organization.personal_data, erase=services.erase_personal_data
        )
        sections.register()
