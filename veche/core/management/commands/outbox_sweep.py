"""`veche outbox_sweep`: queue again every outbox letter that is due and has no live worker (a
lease that ran out, a retry that fell due, a letter whose task was lost). The worker schedules
sweeps by itself after each claim; this command is the safety net for when even that task was
lost with its worker. Idempotent, so it is safe from cron every few minutes or on several machines:

    */5 * * * *  cd /srv/veche && .venv/bin/veche outbox_sweep
"""

import time

from django.core.management.base import BaseCommand
from django.db import close_old_connections

from veche.core.outbox import sweep


class Command(BaseCommand):
    help = "Queue again the outbox letters that are due and held by no live worker; idempotent."

    def add_arguments(self, parser):
        parser.add_argument(
            "--every",
            type=int,
            default=0,
            metavar="SECONDS",
            help="Keep running and sweep every SECONDS (default: sweep once and exit).",
        )

    def handle(self, *args, every: int, **options):
        while True:
            self.stdout.write(f"queued {sweep()}")
            if every <= 0:
                return
            time.sleep(every)
            close_old_connections()  # a long-running process must not keep a dead connection
