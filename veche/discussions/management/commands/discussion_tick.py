"""`veche discussion_tick`: announce discussions whose notice date has come, remind experts
of waiting questions, and queue again the documents whose build stalled (a worker died).
Idempotent, so it is safe from cron every few minutes or on several machines at once;
`--every 300` keeps it running and ticking every five minutes instead:

    */5 * * * *  cd /srv/veche && .venv/bin/veche discussion_tick
"""

from veche.core.management.periodic import PeriodicCommand
from veche.discussions.records.builds import requeue_stalled
from veche.discussions.services import send_due_notices


class Command(PeriodicCommand):
    help = "Send the notices of discussions that fall due; idempotent."
    verb = "tick"

    def run_once(self) -> str:
        result = send_due_notices()
        requeued = requeue_stalled()
        return (
            f"announced {result['announced']}, experts reminded {result['experts_reminded']}, "
            f"organizers alerted {result['organizers_alerted']}, "
            f"documents queued again {requeued}"
        )
