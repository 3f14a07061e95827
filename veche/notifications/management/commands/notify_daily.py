"""`veche notify_daily`: the daily round of notifications, for cron.

Sends each person who chose the daily digest one e-mail with their new notices, and tells
officials about appeals left unanswered past their due date (one notice per appeal and day).
Both halves are idempotent, so running it twice a day, or again after a failure, is safe:

    # crontab of the user that runs Veche: every morning at 07:00 local time
    0 7 * * *  cd /srv/veche && .venv/bin/veche notify_daily

Immediate e-mails about overdue appeals are queued as tasks for the worker
(`veche db_worker`), like every other notice.
"""

from django.core.management.base import BaseCommand
from django.utils import timezone

from veche.notifications.services import notify_overdue_appeals, send_daily_digests


class Command(BaseCommand):
    help = "Send the daily notification digests and the notices of overdue appeals."

    def handle(self, *args, **options):
        digests = send_daily_digests(timezone.now())
        overdue = notify_overdue_appeals(timezone.localdate())
        self.stdout.write(
            self.style.SUCCESS(
                f"Digests sent: {digests}. Notices of overdue appeals: {len(overdue)}."
            )
        )
