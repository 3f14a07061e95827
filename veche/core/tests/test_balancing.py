"""A new connection goes to one of the workers holding fewest: the board's limits, then a real
gunicorn with Veche's configuration whose one worker took every connection while the other was
stopped, and whose next connections all go to the other; and a worker shutting down delays no
new connection."""

import contextlib
import http.client
import os
import re
import signal
import subprocess
import sys
import time
from collections import Counter
from contextlib import contextmanager
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
import pathlib
import time


def application(environ, start_response):
    if environ["PATH_INFO"] == "/slow":
        pathlib.Path("slow.pid").write_text(str(os.getpid()))
        time.sleep(3)
    body = str(os.getpid()).encode()
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
    return [body]
"""


@contextmanager
def gunicorn(folder: Path, **env: str):
    """Veche's gunicorn configuration with two workers, serving `APP`: its port and its pid."""
    (folder / "pid_app.py").write_text(APP)
    port = free_port()
    server = subprocess.Popen(  # noqa: S603 (our own command)
        [
            sys.executable, "-m", "gunicorn", "pid_app:application",
            "-c", "python:veche.core.gunicorn_config",
            "--workers=2", "--keep-alive=60", f"--bind=127.0.0.1:{port}",
        ],
        cwd=folder,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": f"{folder}:{ROOT}", **env},
    )  # fmt: skip
    try:
        wait_until(lambda: len(_workers(server.pid)) == 2, "gunicorn's two workers")
        wait_until(lambda: _answering(port) is not None, "gunicorn to serve")
        yield port, server.pid
    finally:
        server.terminate()
        server.wait(30)


class Connections:
    """Kept-alive connections to `port`, closed at the end."""

    def __init__(self, port: int):
        self.port = port
        self.kept: list[http.client.HTTPConnection] = []

    def open(self, count: int) -> Counter:
        """`count` connections, opened at once: which worker answered on each."""
        opened = [
            http.client.HTTPConnection("127.0.0.1", self.port, timeout=30) for _ in range(count)
        ]
        for connection in opened:
            connection.connect()
        for connection in opened:
            connection.request("GET", "/")
        self.kept.extend(opened)
        return Counter(int(each.getresponse().read()) for each in opened)

    def close(self):
        for connection in self.kept:
            connection.close()


def test_connections_go_to_the_worker_that_holds_fewest(tmp_path):
    # Left out after a second of silence: a worker of a busy machine is never taken for a
    # stalled one here by mistake.
    stale = 1.0
    with gunicorn(tmp_path, VECHE_WORKER_STALE_MS=str(int(stale * 1000))) as (port, arbiter):
        connections = Connections(port)
        try:
            stopped, running = _workers(arbiter)
            os.kill(stopped, signal.SIGSTOP)
            try:
                # The stopped one still says it holds none: the other takes two, then, once
                # the stopped one has been quiet for the stale time, all the rest (had it kept
                # waiting on the stopped one, the connections would have timed out).
                assert connections.open(10) == {running: 10}
            finally:
                os.kill(stopped, signal.SIGCONT)
            # Back, it holds none: once both have looked at the board again, a new
            # connection goes to it, and so do the next ones (by chance, about half) until the
            # other, holding ten, is no longer SLACK + 1 above it.
            wait_until(
                lambda: [_answering(port) for _ in range(3)] == [stopped] * 3,
                "new connections to go to the worker that came back",
            )
            below = 10 - SLACK - 1
            assert connections.open(below) == {stopped: below}
        finally:
            connections.close()


def test_a_worker_shutting_down_holds_up_no_new_connection(tmp_path):
    # Were the leaving worker still on the board, the other would take two connections, then
    # wait for it to be left out as stalled: ten seconds here.
    with gunicorn(tmp_path, VECHE_WORKER_STALE_MS="10000") as (port, arbiter):
        connections = Connections(port)
        slow = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        try:
            slow.request("GET", "/slow")
            wait_until(lambda: (tmp_path / "slow.pid").exists(), "the slow request to start")
            leaving = int((tmp_path / "slow.pid").read_text())
            assert _takes_connections(leaving, port)
            os.kill(leaving, signal.SIGTERM)  # it finishes the slow request, then exits
            wait_until(lambda: not _takes_connections(leaving, port), "the worker to stop taking")
            # Each taken at once by the other, though the leaving one held one a moment ago:
            # well within the ten seconds it would wait for a leaving worker still on the board
            # (a bound with room for a loaded machine).
            for _ in range(6):
                started = time.monotonic()
                assert connections.open(1) == {_other(arbiter, leaving): 1}
                assert time.monotonic() - started < 5
            assert int(slow.getresponse().read()) == leaving
        finally:
            slow.close()
            connections.close()


def _other(arbiter: int, leaving: int) -> int:
    return next(pid for pid in _workers(arbiter) if pid != leaving)


def _takes_connections(pid: int, port: int) -> bool:
    """Whether the worker's loop still waits on the listening socket of `port`: gunicorn stops
    waiting on it when the worker stops taking connections, which, shutting down, has left the
    board first (`veche.core.gunicorn_config`). Read from /proc: the listener among the
    worker's open files, and among those its epoll watches."""
    address = f"0100007F:{port:04X}"  # 127.0.0.1:port, as /proc/net/tcp writes it
    rows = (line.split() for line in Path("/proc/net/tcp").read_text().splitlines()[1:])
    listener = {f"socket:[{row[9]}]" for row in rows if row[1] == address and row[3] == "0A"}
    process = Path(f"/proc/{pid}")
    files, watched = set(), set()
    for fd in (process / "fd").iterdir():
        with contextlib.suppress(OSError):
            if os.readlink(fd) in listener:
                files.add(fd.name)
    for info in (process / "fdinfo").iterdir():
        with contextlib.suppress(OSError):
            watched.update(re.findall(r"^tfd:\s*(\d+)", info.read_text(), re.MULTILINE))
    return bool(files & watched)


def _workers(pid: int) -> list[int]:
    return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


def _answering(port: int) -> int | None:
    """The worker that answered a new connection's request, or None."""
    try:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        connection.request("GET", "/", headers={"Connection": "close"})
        return int(connection.getresponse().read())
    except OSError:
        return None
