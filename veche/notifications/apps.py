from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "veche.notifications"
    verbose_name = _("Notifications")
    label = "notifications"

    def ready(self) -> None:
        from veche.accounts import personal_data
        from veche.core import outbox, stamped
        from veche.notifications import queries, services

        stamped.read_with_pages(lambda user_id: [queries.unread_read(user_id)])
        outbox.register(services.NOTICE_KIND, services.mail_notice)
        outbox.register(services.EVENT_KIND, services.tell_of_event)
        personal_data.register(
            "notifications", export=queries.personal_data, erase=services.erase_personal_data
        )
