"""Serve the demo: the web server, the background worker, the discussions' clock, the audit
log's sealer, the open-data dump, the outbox sweeper and the demo identity provider, together until Ctrl+C."""

import os
import signal
import subprocess
import sys


def main() -> int:
    veche = [sys.executable, "-m", "veche"]
    address = os.environ.get("VECHE_DEMO_ADDRESS", "127.0.0.1:8000")
    helpers = [
        subprocess.Popen([*veche, "db_worker", "--interval", "1"]),  # noqa: S603
        # Discussions' notices fall due by the calendar; a minute's resolution is plenty.
        subprocess.Popen([*veche, "discussion_tick", "--every", "60"]),  # noqa: S603
        # Links the audit events into the chain and publishes the day's head.
        subprocess.Popen([*veche, "seal_audit", "--every", "60"]),  # noqa: S603
        # The day's open-data dump, once a day (an hourly look is idempotent).
        subprocess.Popen([*veche, "open_data_dump", "--every", "3600"]),  # noqa: S603
        # Letters a dead worker left half-sent go out again (the worker also sweeps by itself).
        subprocess.Popen([*veche, "outbox_sweep", "--every", "60"]),  # noqa: S603
        # The stand-in for the national identity provider, on its own port and database.
        subprocess.Popen([sys.executable, "-m", "veche.demo.idp", "serve"]),
    ]
    try:
        return subprocess.call([*veche, "runserver", address])  # noqa: S603
    except KeyboardInterrupt:
        return 0
    finally:
        for helper in helpers:
            helper.send_signal(signal.SIGINT)
        for helper in helpers:
            try:
                helper.wait(timeout=10)
            except subprocess.TimeoutExpired:
                helper.kill()


if __name__ == "__main__":
    sys.exit(main())
