from django.apps import AppConfig


class AppealsConfig(AppConfig):
    name = "veche.appeals"
    label = "appeals"

    def ready(self):
        from veche.appeals.delivery import send_dispatch
        from veche.appeals.models import DISPATCH_KIND
        from veche.core import outbox

        outbox.register(DISPATCH_KIND, send_dispatch)
