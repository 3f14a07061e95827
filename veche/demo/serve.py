"""Serve the demo: the web server and the background worker together, until Ctrl+C."""

import os
import signal
import subprocess
import sys


def main() -> int:
    veche = [sys.executable, "-m", "veche"]
    address = os.environ.get("VECHE_DEMO_ADDRESS", "127.0.0.1:8000")
    worker = subprocess.Popen([*veche, "db_worker", "--interval", "1"])  # noqa: S603
    try:
        return subprocess.call([*veche, "runserver", address])  # noqa: S603
    except KeyboardInterrupt:
        return 0
    finally:
        worker.send_signal(signal.SIGINT)
        try:
            worker.wait(timeout=10)
        except subprocess.TimeoutExpired:
            worker.kill()


if __name__ == "__main__":
    sys.exit(main())
