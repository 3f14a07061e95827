from django.apps import AppConfig


class DiscussionsConfig(AppConfig):
    name = "veche.discussions"
    label = "discussions"

    def ready(self) -> None:
        from veche.accounts import personal_data
        from veche.core import outbox
        from veche.discussions import queries, services
        from veche.discussions.tasks import RECEIPT_KIND, send_receipt_email

        outbox.register(RECEIPT_KIND, send_receipt_email)
        personal_data.register(
            "discussions", export=queries.personal_data, erase=services.erase_personal_data
        )
