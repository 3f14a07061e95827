"""`veche seal_audit`: link the pending audit events into the chain and publish the day's head
of the chain once. Idempotent, so it is safe from cron every few minutes or on several machines
at once (one sealer works at a time); `--every 60` keeps it running instead:

    */5 * * * *  cd /srv/veche && .venv/bin/veche seal_audit
"""

from veche.core.audit import publish_head, seal_pending
from veche.core.management.periodic import PeriodicCommand


class Command(PeriodicCommand):
    help = "Seal the pending audit events and publish today's head of the chain; idempotent."
    verb = "seal"

    def run_once(self) -> str:
        sealed = seal_pending()
        head = publish_head()
        return f"sealed {sealed}; head of {head.day}: event {head.sequence}, {head.hash}"
