"""`veche discussion_tick`: announce discussions whose notice date has come and remind experts
of waiting questions. Safe to run as often as you like (cron, every few minutes)."""

from django.core.management.base import BaseCommand

from veche.discussions.services import send_due_notices


class Command(BaseCommand):
    help = "Send the notices of discussions that fall due; idempotent."

    def handle(self, *args, **options):
        result = send_due_notices()
        self.stdout.write(
            f"announced {result['announced']}, experts reminded {result['experts_reminded']}"
        )
