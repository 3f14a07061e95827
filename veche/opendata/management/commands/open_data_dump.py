"""`veche open_data_dump`: write today's dump of the open datasets once, and delete the dumps
older than VECHE_OPEN_DATA_KEEP_DAYS. Idempotent, so it is safe from cron every hour or on
several machines at once; `--every 3600` keeps it running instead:

    15 * * * *  cd /srv/veche && .venv/bin/veche open_data_dump
"""

from veche.core.management.periodic import PeriodicCommand
from veche.opendata.dumps import dump_day, remove_old


class Command(PeriodicCommand):
    help = "Write today's open data dump unless it exists, and delete the old ones; idempotent."
    verb = "dump"

    def run_once(self) -> str:
        outcome = dump_day()
        removed = remove_old()
        run = outcome.run
        if outcome.written:
            line = f"dump of {outcome.day} written: {sum(run.rows.values())} rows"
        elif run is not None and run.state == run.State.FAILED:
            line = f"dump of {outcome.day} failed: {run.error.strip().splitlines()[-1]}"
        else:
            line = f"dump of {outcome.day} already {run.state if run else 'absent'}"
        if removed:
            line += f"; removed {len(removed)} old"
        return line
