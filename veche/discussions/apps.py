from django.apps import AppConfig


class DiscussionsConfig(AppConfig):
    name = "veche.discussions"
    label = "discussions"

    def ready(self):
        from veche.core import outbox
        from veche.discussions.tasks import RECEIPT_KIND, send_receipt_email

        outbox.register(RECEIPT_KIND, send_receipt_email)
