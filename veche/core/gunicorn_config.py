"""Veche's gunicorn configuration: `gunicorn veche.wsgi -c python:veche.core.gunicorn_config`.

Threaded workers (a thread waits on PostgreSQL while another runs Python) whose worker notes
when each request was queued for a thread, so that `veche.core.overload.ShedLoadMiddleware` can
answer 503 to a request that waited too long instead of letting the queue grow. Any setting
here can be changed on the command line (`--workers 8`) or in GUNICORN_CMD_ARGS.
"""

import selectors
import sys
import time
from concurrent import futures
from functools import partial

from gunicorn.workers.gthread import DEFAULT_WORKER_DATA_TIMEOUT, ThreadWorker

from veche.core.balancing import Board
from veche.core.overload import note_queued
from veche.core.scheduling import ReadsFirstQueue, is_write, peek, whole_number

# Seconds a thread runs Python before another may take over (the interpreter's default: 0.005).
SWITCH_INTERVAL = whole_number("VECHE_SWITCH_INTERVAL_US", 500, minimum=1) / 1_000_000


# How soon a worker that stopped accepting looks again whether it may.
RECHECK_SECONDS = 0.1
# The workers' connections, shared by the arbiter with each worker it forks (made by the first
# fork, in the arbiter: `pre_fork`).
_board: Board | None = None


class QueueTimingWorker(ThreadWorker):
    """gunicorn's threaded worker, noting when each request joined the queue for a thread,
    giving its threads the reads before the writes that arrived just before them
    (`veche.core.scheduling`), and taking new connections only while it holds no more than
    the others (`veche.core.balancing`)."""

    veche_slot: int | None = None
    _most_connections = 1000

    @property
    def worker_connections(self) -> int:
        """How many connections this worker may hold now: gunicorn's loop reads it before each
        wait for events, and stops accepting at it. Without a slot (run under another
        configuration), gunicorn's setting."""
        if _board is None or self.veche_slot is None:
            return self._most_connections
        return _board.limit(
            self.veche_slot, self.nr_conns, time.monotonic(), self._most_connections
        )

    @worker_connections.setter
    def worker_connections(self, value: int) -> None:
        self._most_connections = value

    def wait_for_and_dispatch_events(self, timeout):
        # A worker that stopped accepting for the others' sake looks again within a tenth of a
        # second, not only at its next event: they may all have grown meanwhile.
        if not getattr(self, "_accepting", True):
            timeout = min(timeout, RECHECK_SECONDS)
        return super().wait_for_and_dispatch_events(timeout)

    def accept(self, listener):
        super().accept(listener)
        # Said at once, so that the others' limits count it before this worker's next turn.
        self.worker_connections  # noqa: B018 (reading it says how many this worker holds)

    def init_process(self):
        # A thread that waited on the database or Redis gets Python back sooner from one that
        # computes (a signature), rather than after the interpreter's 5 ms: a page that needs a
        # millisecond of Python between its reads no longer waits 5 ms behind each of the other
        # threads at every read (`veche.core.scheduling`, measured by `make benchmark-surge`).
        sys.setswitchinterval(SWITCH_INTERVAL)
        super().init_process()

    def get_thread_pool(self):
        pool = futures.ThreadPoolExecutor(max_workers=self.cfg.threads)
        self.veche_queue = pool._work_queue = ReadsFirstQueue()
        return pool

    def enqueue_req(self, conn):
        buffered = conn.parser.unreader.buf.getvalue()[:4] if conn.parser else b""
        # Over TLS the bytes are encrypted: every request counts as a read.
        start = buffered or (None if self.cfg.is_ssl else peek(conn.sock))
        if start == b"" and not conn.initialized and not conn.data_ready and self.alive:
            # A new connection that sent nothing yet: its first bytes, which say what it
            # asks, are awaited in the poller, as long as gunicorn's thread would await them.
            conn.sock.setblocking(False)
            conn.timeout = time.monotonic() + max(self.cfg.keepalive, DEFAULT_WORKER_DATA_TIMEOUT)
            self.pending_conns.append(conn)
            self.poller.register(
                conn.sock, selectors.EVENT_READ, partial(self.on_pending_socket_readable, conn)
            )
            return
        conn.veche_queued_at = time.monotonic()
        self.veche_queue.next_is_write(is_write(start))
        super().enqueue_req(conn)

    def handle_request(self, req, conn):
        note_queued(getattr(conn, "veche_queued_at", None))
        try:
            return super().handle_request(req, conn)
        finally:
            # A kept-alive connection's next request is queued (and noted) afresh.
            conn.veche_queued_at = None
            note_queued(None)


def pre_fork(server, worker):
    """In the arbiter, before each worker is forked: its slot on the workers' board."""
    global _board
    if _board is None:
        _board = Board(64)
    in_use = {getattr(each, "veche_slot", None) for each in server.WORKERS.values()}
    worker.veche_slot = _board.take(in_use)


def child_exit(server, worker):
    """In the arbiter, when a worker exited (or was killed): its slot is free again."""
    if _board is not None and worker.veche_slot is not None:
        _board.free(worker.veche_slot)


worker_class = "veche.core.gunicorn_config.QueueTimingWorker"
workers = 4
# Threads per worker: enough to overlap waits on the database, few enough that a queue forms
# (and is measured) rather than every request running at once and slowing all the others.
threads = 4
keepalive = 5
