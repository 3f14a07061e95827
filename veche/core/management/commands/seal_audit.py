"""`veche seal_audit`: link the pending audit events into the chain and publish the day's head
of the chain once. Idempotent, so it is safe from cron every few minutes or on several machines
at once (one sealer works at a time); `--every 60` keeps it running instead:

    */5 * * * *  cd /srv/veche && .venv/bin/veche seal_audit
"""

import time

from django.core.management.base import BaseCommand
from django.db import close_old_connections

from veche.core.audit import publish_head, seal_pending


class Command(BaseCommand):
    help = "Seal the pending audit events and publish today's head of the chain; idempotent."

    def add_arguments(self, parser):
        parser.add_argument(
            "--every",
            type=int,
            default=0,
            metavar="SECONDS",
            help="Keep running and seal every SECONDS (default: seal once and exit).",
        )

    def handle(self, *args, every: int, **options):
        while True:
            sealed = seal_pending()
            head = publish_head()
            self.stdout.write(
                f"sealed {sealed}; head of {head.day}: event {head.sequence}, {head.hash}"
            )
            if every <= 0:
                return
            time.sleep(every)
            close_old_connections()  # a long-running process must not keep a dead connection
