"""A worker's free thread takes reads before the writes that arrived just before them, never
before a write that waited longer than the slack, and the method is read from the socket
without taking the request from it. Last, a real gunicorn with Veche's configuration and one
thread serves a page asked after a signature before that signature."""

import socket
import subprocess
import sys
import threading
import time
from concurrent import futures
from pathlib import Path

import pytest

from tests.production import fetch
from tests.servers import free_port, wait_until
from veche.core.scheduling import ReadsFirstQueue, is_write, peek

ROOT = Path(__file__).resolve().parents[3]


def queue_with(*items: tuple[str, bool], slack: float = 10.0) -> ReadsFirstQueue:
    waiting = ReadsFirstQueue(write_slack=slack)
    for name, write in items:
        waiting.next_is_write(write)
        waiting.put(name)
    return waiting


def drain(waiting: ReadsFirstQueue) -> list:
    return [waiting.get_nowait() for _ in range(waiting.qsize())]


def test_a_read_passes_the_writes_that_arrived_just_before_it():
    waiting = queue_with(("sign-1", True), ("sign-2", True), ("page", False), ("sign-3", True))
    assert drain(waiting) == ["page", "sign-1", "sign-2", "sign-3"]


def test_reads_keep_their_order_and_writes_theirs():
    waiting = queue_with(("page-1", False), ("sign", True), ("page-2", False), ("page-3", False))
    assert drain(waiting) == ["page-1", "page-2", "page-3", "sign"]


def test_a_write_that_waited_longer_than_the_slack_goes_first():
    waiting = queue_with(("sign", True), slack=0.01)
    time.sleep(0.03)
    waiting.next_is_write(False)
    waiting.put("page")
    assert drain(waiting) == ["sign", "page"]


def test_the_executors_end_comes_after_all_the_work():
    waiting = queue_with(("sign", True))
    waiting.put(None)
    waiting.next_is_write(False)
    waiting.put("page")
    assert drain(waiting) == ["page", "sign", None]


def test_an_empty_queue_says_so_at_once_or_after_its_timeout():
    import queue

    waiting = ReadsFirstQueue()
    with pytest.raises(queue.Empty):
        waiting.get_nowait()
    with pytest.raises(queue.Empty):
        waiting.get(timeout=0.01)


def test_a_thread_pool_runs_its_work_in_that_order():
    """As gunicorn's worker uses it: the pool's queue replaced before any work is submitted."""
    pool = futures.ThreadPoolExecutor(max_workers=1)
    pool._work_queue = waiting = ReadsFirstQueue()
    done, gate = [], threading.Event()
    pool.submit(gate.wait)  # the one thread is busy while the rest queue up
    for name, write in (("sign-1", True), ("sign-2", True), ("page", False)):
        waiting.next_is_write(write)
        pool.submit(done.append, name)
    gate.set()
    pool.shutdown(wait=True)
    assert done == ["page", "sign-1", "sign-2"]


def test_threads_beyond_the_writes_limit_are_kept_for_reads():
    pool = futures.ThreadPoolExecutor(max_workers=2)
    pool._work_queue = waiting = ReadsFirstQueue(write_slack=0.0, write_threads=1)
    gate, order = threading.Event(), []

    def submit(fn, write):
        waiting.next_is_write(write)
        return pool.submit(fn)

    first = submit(lambda: (order.append("sign-1"), gate.wait(10)), True)
    try:
        wait_until(lambda: order == ["sign-1"], "the first write to run")
        second = submit(lambda: order.append("sign-2"), True)
        time.sleep(0.1)
        assert order == ["sign-1"]  # the second thread is free, yet the write waits…
        submit(lambda: order.append("page"), False).result(timeout=5)  # …and a read does not
        assert order == ["sign-1", "page"]
    finally:
        gate.set()
    first.result(timeout=5)
    second.result(timeout=5)
    assert order == ["sign-1", "page", "sign-2"]
    pool.shutdown(wait=True)


def test_every_write_runs_and_never_more_at_once_than_the_limit():
    pool = futures.ThreadPoolExecutor(max_workers=4)
    pool._work_queue = waiting = ReadsFirstQueue(write_slack=0.0, write_threads=2)
    lock, running, most, done = threading.Lock(), [0], [0], []

    def write(n):
        with lock:
            running[0] += 1
            most[0] = max(most[0], running[0])
        time.sleep(0.005)
        with lock:
            running[0] -= 1
        done.append(n)

    jobs = []
    for n in range(40):
        waiting.next_is_write(n % 4 != 0)
        jobs.append(pool.submit(write if n % 4 else done.append, n))
    for job in jobs:
        job.result(timeout=10)
    pool.shutdown(wait=True)
    assert sorted(done) == list(range(40))
    assert most[0] == 2


@pytest.mark.parametrize(
    ("sent", "write"),
    [
        (b"GET /problems/1/ HTTP/1.1\r\n", False),
        (b"HEAD / HTTP/1.1\r\n", False),
        (b"POST /problems/1/sign/ HTTP/1.1\r\n", True),
        (b"PUT /api/v1/x HTTP/1.1\r\n", True),
        (b"DELETE /api/v1/x HTTP/1.1\r\n", True),
    ],
)
def test_the_method_is_peeked_and_the_request_left_whole(sent, write):
    server, client = socket.socketpair()
    with server, client:
        client.sendall(sent)
        time.sleep(0.01)
        assert is_write(peek(server)) is write
        assert server.recv(len(sent)) == sent


def test_a_socket_that_sent_nothing_yet_says_so_and_unknown_counts_as_a_read():
    server, client = socket.socketpair()
    with server, client:
        server.setblocking(False)
        assert peek(server) == b""
    assert not is_write(b"")
    assert not is_write(None)  # a TLS socket, which cannot be peeked at


APP = """
import gc
import pathlib
import time

from veche.core.scheduling import ReadsFirstQueue

ORDER = []


def queued():
    return sum(q.qsize() for q in gc.get_objects() if type(q) is ReadsFirstQueue)


def application(environ, start_response):
    path = environ["PATH_INFO"]
    if path == "/order":
        body = ",".join(ORDER).encode()
    else:
        ORDER.append(path.strip("/"))
        if path == "/busy":
            # The one thread stays busy until the two requests asked meanwhile are queued for
            # it, saying how many are (a bound for a slow machine, not a timing).
            pathlib.Path("busy").write_text("0")
            deadline = time.monotonic() + 30
            while (count := queued()) < 2 and time.monotonic() < deadline:
                pathlib.Path("busy").write_text(str(count))
                time.sleep(0.01)
        body = b"ok"
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [body]
"""


def test_gunicorn_with_one_thread_serves_the_later_page_before_the_earlier_signature(tmp_path):
    (tmp_path / "ordered_app.py").write_text(APP)
    port = free_port()
    server = subprocess.Popen(  # noqa: S603 (our own command)
        [
            sys.executable,
            "-m",
            "gunicorn",
            "ordered_app:application",
            "-c",
            "python:veche.core.gunicorn_config",
            "--workers=1",
            "--threads=1",
            f"--bind=127.0.0.1:{port}",
        ],
        cwd=tmp_path,
        # A slack longer than the test's pauses: the order does not hang on the machine's pace.
        env={
            "PATH": "/usr/bin:/bin",
            "PYTHONPATH": f"{tmp_path}:{ROOT}",
            "VECHE_WRITE_SLACK_MS": "5000",
        },
    )
    base = f"http://127.0.0.1:{port}"

    def ask(path: str, data: dict | None = None) -> None:
        fetch(base + path, https=False, data=data)

    try:
        wait_until(lambda: _answers(base), "gunicorn to serve")
        busy = threading.Thread(target=ask, args=("/busy",))
        busy.start()
        queued = tmp_path / "busy"
        wait_until(queued.exists, "the one thread to be busy")
        sign = threading.Thread(target=ask, args=("/sign", {"agree": "on"}))
        sign.start()
        wait_until(lambda: queued.read_text() == "1", "the signature to wait for the thread")
        page = threading.Thread(target=ask, args=("/page",))
        page.start()
        for thread in (busy, sign, page):
            thread.join(30)
        order = fetch(base + "/order", https=False).body.decode().split(",")
    finally:
        server.terminate()
        server.wait(30)
    assert order[order.index("busy") :] == ["busy", "page", "sign"]


def _answers(base: str) -> bool:
    try:
        return fetch(base + "/ready", https=False).status == 200
    except OSError:
        return False


def test_the_workers_settings_refuse_what_is_not_a_whole_number(monkeypatch):
    from veche.core.scheduling import whole_number

    monkeypatch.setenv("VECHE_WRITE_SLACK_MS", "75")
    assert whole_number("VECHE_WRITE_SLACK_MS", 50) == 75
    monkeypatch.delenv("VECHE_WRITE_SLACK_MS")
    assert whole_number("VECHE_WRITE_SLACK_MS", 50) == 50
    monkeypatch.setenv("VECHE_WRITE_SLACK_MS", "0.05")
    with pytest.raises(ValueError, match="VECHE_WRITE_SLACK_MS must be a whole number of at"):
        whole_number("VECHE_WRITE_SLACK_MS", 50)


@pytest.mark.parametrize(
    ("slow_write", "first_runs_for", "then"),
    [
        # A read waits: the second write waits for it. (A slow write only after 10 s: on a
        # loaded machine, the three threads may take more than a fraction of one to start.)
        (10.0, 0.0, ["page-3", "sign-2"]),
        (0.2, 0.3, ["sign-2", "page-3"]),  # the first write is slow: the second need not wait
    ],
)
def test_a_second_write_starts_only_while_no_read_waits_or_the_first_is_slow(
    slow_write, first_runs_for, then
):
    pool = futures.ThreadPoolExecutor(max_workers=3)
    pool._work_queue = waiting = ReadsFirstQueue(
        write_slack=0.0, write_threads=2, slow_write=slow_write
    )
    gates = {name: threading.Event() for name in ("sign-1", "page-1", "page-2")}
    order = []

    def submit(name, write):
        waiting.next_is_write(write)
        gate = gates.get(name)
        return pool.submit(lambda: (order.append(name), gate and gate.wait(10)))

    try:
        running = [submit("sign-1", True), submit("page-1", False), submit("page-2", False)]
        wait_until(lambda: len(order) == 3, "the three threads to be busy")
        # Due first, and a thread that may run writes is left.
        later = [submit("sign-2", True), submit("page-3", False)]
        time.sleep(first_runs_for)
        gates["page-2"].set()
        for job in later:
            job.result(timeout=5)
        assert order[3:] == then
    finally:
        for gate in gates.values():
            gate.set()
    for job in running:
        job.result(timeout=5)
    pool.shutdown(wait=True)
