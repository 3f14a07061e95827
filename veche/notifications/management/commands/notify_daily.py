"""`veche notify_daily`: the daily round of notifications, for cron.

Sends each person who chose the daily digest one e-mail with their new notices, and runs the
daily jobs the product apps registered (`registry.register_daily`: officials hear of appeals
left unanswered past their due date, one notice per appeal and day). All are idempotent, so
running it twice a day, or again after a failure, is safe:

    # crontab of the user that runs Veche: every morning at 07:00 local time
    0 7 * * *  cd /srv/veche && .venv/bin/veche notify_daily

Immediate e-mails of these notices go through the outbox, sent by the worker
(`veche db_worker`), like every other notice.
"""

from django.core.management.base import BaseCommand
from django.utils import timezone

from veche.notifications import registry
from veche.notifications.services import send_daily_digests


class Command(BaseCommand):
    help = "Send the daily notification digests and the daily jobs' notices (overdue appeals)."

    def handle(self, *args, **options):
        done = [f"Digests sent: {send_daily_digests(timezone.now())}."]
        today = timezone.localdate()
        for daily in registry.DAILY.values():
            done.append(f"{daily.label}: {len(list(daily.run(today)))}.")
        self.stdout.write(self.style.SUCCESS(" ".join(done)))
