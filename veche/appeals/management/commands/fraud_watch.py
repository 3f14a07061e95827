"""`veche fraud_watch`: raise an alert for each signing signal above its threshold (once an hour
each; moderators get a notice and an e-mail) and forget the source networks of signatures
older than VECHE_SOURCE_DAYS. Idempotent, so it is safe from cron every few minutes or on
several machines at once; `--every 300` keeps it running:

    */5 * * * *  cd /srv/veche && .venv/bin/veche fraud_watch
"""

from veche.appeals.fraud import watch
from veche.core.management.periodic import PeriodicCommand


class Command(PeriodicCommand):
    help = "Raise fraud alerts on signing above the thresholds; idempotent."
    verb = "watch"

    def run_once(self) -> str:
        return f"alerts raised {watch()}"
