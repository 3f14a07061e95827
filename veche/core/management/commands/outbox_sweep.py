"""`veche outbox_sweep`: queue again every outbox letter that is due and has no live worker (a
lease that ran out, a retry that fell due, a letter whose task was lost). The worker schedules
sweeps by itself after each claim; this command is the safety net for when even that task was
lost with its worker. Idempotent, so it is safe from cron every few minutes or on several machines:

    */5 * * * *  cd /srv/veche && .venv/bin/veche outbox_sweep
"""

from veche.core.management.periodic import PeriodicCommand
from veche.core.outbox import sweep


class Command(PeriodicCommand):
    help = "Queue again the outbox letters that are due and held by no live worker; idempotent."
    verb = "sweep"

    def run_once(self) -> str:
        return f"queued {sweep()}"
