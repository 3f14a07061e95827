from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DiscussionsConfig(AppConfig):
    name = "veche.discussions"
    label = "discussions"

    def ready(self) -> None:
        from veche.accounts import personal_data
        from veche.core import outbox
        from veche.core.navigation import register_workspace
        from veche.discussions import queries, services
        from veche.discussions.models import RecordBuild
        from veche.discussions.records import builds
        from veche.discussions.tasks import RECEIPT_KIND, send_receipt_email

        outbox.register(RECEIPT_KIND, send_receipt_email)
        builds.register_finisher(RecordBuild.Kind.PROTOCOL, services.keep_signed_protocol)
        builds.register_finisher(RecordBuild.Kind.CONCLUSION, services.keep_published_conclusion)
        personal_data.register(
            "discussions", export=queries.personal_data, erase=services.erase_personal_data
        )
        register_workspace(
            label=_("Discussions I run"),
            url_name="discussions:organizer",
            permission="discussions.organize",
            order=20,
        )
