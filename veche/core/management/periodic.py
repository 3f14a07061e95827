"""The shape of Veche's idempotent clock commands (`seal_audit`, `outbox_sweep`,
`discussion_tick`): run once and exit, for cron, or keep running with `--every SECONDS`."""

import time

from django.core.management.base import BaseCommand
from django.db import close_old_connections


class PeriodicCommand(BaseCommand):
    # What one round does, in a word, for `--every`'s help ("seal", "sweep", "tick").
    verb = "run"

    def add_arguments(self, parser):
        parser.add_argument(
            "--every",
            type=int,
            default=0,
            metavar="SECONDS",
            help=f"Keep running and {self.verb} every SECONDS "
            f"(default: {self.verb} once and exit).",
        )

    def run_once(self) -> str:
        """Do one round; return the line to print."""
        raise NotImplementedError

    def handle(self, *args, every: int, **options):
        while True:
            self.stdout.write(self.run_once())
            if every <= 0:
                return
            time.sleep(every)
            close_old_connections()  # a long-running process must not keep a dead connection
