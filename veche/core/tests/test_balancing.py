"""A new connection goes to one of the workers holding fewest: the board's limits, then a real
gunicorn with Veche's configuration whose one worker took every connection while the other
was stopped, and whose next connections all go to the other."""

import http.client
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from tests.servers import free_port, wait_until
from veche.core.balancing import SLACK, STALE, Board

ROOT = Path(__file__).resolve().parents[3]


def test_a_worker_may_hold_the_slack_and_one_above_the_least_loaded_other():
    board = Board(8)
    first, second, third = board.take(set()), board.take({0}), board.take({0, 1})
    assert (first, second, third) == (0, 1, 2)
    assert board.limit(second, 7, now=100.0, most=1000) == 1000  # the others said nothing yet
    assert board.limit(third, 3, now=100.0, most=1000) == 7 + SLACK + 1
    assert board.limit(first, 5, now=100.0, most=1000) == 3 + SLACK + 1
    # The least loaded is always under its limit: a new connection is always taken.
    assert board.limit(third, 3, now=100.0, most=1000) > 3
    assert board.limit(first, 5, now=100.0, most=4) == 4  # never above gunicorn's setting


def test_a_worker_that_exited_or_went_quiet_is_left_out():
    board = Board(4)
    busy, quiet, gone = (board.take(set(range(n))) for n in range(3))
    board.limit(quiet, 0, now=100.0, most=1000)
    board.limit(gone, 1, now=100.0, most=1000)
    board.free(gone)
    assert board.limit(busy, 20, now=100.0 + STALE / 2, most=1000) == 0 + SLACK + 1
    assert board.limit(busy, 20, now=100.0 + STALE * 2, most=1000) == 1000
    # A slot freed by the arbiter is taken again, and counts once its worker says so.
    assert board.take({busy, quiet}) == gone


APP = """
import os


def application(environ, start_response):
    body = str(os.getpid()).encode()
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
    return [body]
"""


def test_connections_go_to_the_worker_that_holds_fewest(tmp_path):
    (tmp_path / "pid_app.py").write_text(APP)
    port = free_port()
    server = subprocess.Popen(  # noqa: S603 (our own command)
        [
            sys.executable, "-m", "gunicorn", "pid_app:application",
            "-c", "python:veche.core.gunicorn_config",
            "--workers=2", "--keep-alive=60", f"--bind=127.0.0.1:{port}",
        ],
        cwd=tmp_path,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": f"{tmp_path}:{ROOT}"},
    )  # fmt: skip
    kept: list[http.client.HTTPConnection] = []

    def connect(count: int) -> Counter:
        """`count` kept-alive connections, opened at once: which worker answered on each."""
        opened = [http.client.HTTPConnection("127.0.0.1", port, timeout=30) for _ in range(count)]
        for connection in opened:
            connection.connect()
        for connection in opened:
            connection.request("GET", "/")
        kept.extend(opened)
        return Counter(int(each.getresponse().read()) for each in opened)

    try:
        wait_until(lambda: len(_workers(server.pid)) == 2, "gunicorn's two workers")
        wait_until(lambda: _answers(port), "gunicorn to serve")
        stopped, running = _workers(server.pid)
        os.kill(stopped, signal.SIGSTOP)
        try:
            started = time.monotonic()
            # The stopped worker still says it holds none: the other takes a few, then, once
            # the stopped one has been quiet for STALE seconds, all the rest.
            assert connect(10) == {running: 10}
            assert time.monotonic() - started < STALE + 5
        finally:
            os.kill(stopped, signal.SIGCONT)
        # Back, it holds none: once both have looked at the board again (each does within a
        # second), the next connections are all its own (by chance, about half).
        time.sleep(2)
        assert connect(10) == {stopped: 10}
    finally:
        for connection in kept:
            connection.close()
        server.terminate()
        server.wait(30)


def _workers(pid: int) -> list[int]:
    return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


def _answers(port: int) -> bool:
    try:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        connection.request("GET", "/", headers={"Connection": "close"})
        return connection.getresponse().status == 200
    except OSError:
        return False
