from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DiscussionsConfig(AppConfig):
    name = "veche.discussions"
    label = "discussions"

    def ready(self) -> None:
        from django.core import checks as system_checks

        from veche.accounts import personal_data
        from veche.core import outbox
        from veche.core.navigation import register_workspace
        from veche.discussions import checks, queries, services
        from veche.discussions.tasks import RECEIPT_KIND, send_receipt_email

        system_checks.register(checks.limited_subjects)
        outbox.register(RECEIPT_KIND, send_receipt_email)
        personal_data.register(
            "discussions", export=queries.personal_data, erase=services.erase_personal_data
        )
        register_workspace(
            label=_("Discussions I run"),
            url_name="discussions:organizer",
            permission="discussions.organize",
            order=20,
        )
