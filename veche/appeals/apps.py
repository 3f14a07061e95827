from django.apps import AppConfig


class AppealsConfig(AppConfig):
    name = "veche.appeals"
    label = "appeals"

    def ready(self) -> None:
        from veche.accounts import personal_data
        from veche.appeals import notices, queries, services
        from veche.appeals.delivery import send_dispatch
        from veche.appeals.models import DISPATCH_KIND
        from veche.core import outbox

        outbox.register(DISPATCH_KIND, send_dispatch)
        notices.register()
        personal_data.register(
            "appeals", export=queries.personal_data, erase=services.erase_personal_data
        )
