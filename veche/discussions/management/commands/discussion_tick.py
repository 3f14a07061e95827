"""`veche discussion_tick`: announce discussions whose notice date has come and remind experts
of waiting questions. Idempotent, so it is safe from cron every few minutes or on several
machines at once; `--every 300` keeps it running and ticking every five minutes instead:

    */5 * * * *  cd /srv/veche && .venv/bin/veche discussion_tick
"""

import time

from django.core.management.base import BaseCommand
from django.db import close_old_connections

from veche.discussions.services import send_due_notices


class Command(BaseCommand):
    help = "Send the notices of discussions that fall due; idempotent."

    def add_arguments(self, parser):
        parser.add_argument(
            "--every",
            type=int,
            default=0,
            metavar="SECONDS",
            help="Keep running and tick every SECONDS (default: tick once and exit).",
        )

    def handle(self, *args, every: int, **options):
        while True:
            result = send_due_notices()
            self.stdout.write(
                f"announced {result['announced']}, experts reminded {result['experts_reminded']}"
            )
            if every <= 0:
                return
            time.sleep(every)
            close_old_connections()  # a long-running process must not keep a dead connection
