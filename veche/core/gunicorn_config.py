"""Veche's gunicorn configuration: `gunicorn veche.wsgi -c python:veche.core.gunicorn_config`.

Threaded workers (a thread waits on PostgreSQL while another runs Python). Each worker notes
when each request was queued for a thread, so that `veche.core.overload.ShedLoadMiddleware` can
answer 503 to a request that waited too long instead of letting the queue grow; gives its
threads the reads first (`veche.core.scheduling`); and takes new connections only while it
holds no more than the other workers (`veche.core.balancing`). Any setting here can be changed
on the command line (`--workers 8`) or in GUNICORN_CMD_ARGS.
"""

import selectors
import sys
import time
from concurrent import futures
from functools import partial

from gunicorn.workers.gthread import DEFAULT_WORKER_DATA_TIMEOUT, ThreadWorker

from veche.core import balancing, overload
from veche.core.scheduling import ReadsFirstQueue, is_write, peek, whole_number

# Seconds a thread runs Python before another may take over (the interpreter's default: 0.005).
SWITCH_INTERVAL = whole_number("VECHE_SWITCH_INTERVAL_US", 500, minimum=1) / 1_000_000
# How often a serving worker looks at the workers' board (`veche.core.balancing`).
RECHECK_SECONDS = 0.1


class QueueTimingWorker(ThreadWorker):
    """gunicorn's threaded worker, noting when each request joined the queue for a thread,
    giving its threads the reads before the writes that arrived just before them
    (`veche.core.scheduling`), and taking new connections while it holds no more than the
    others (`veche.core.balancing`)."""

    veche_slot: int | None = None
    _most_connections = 1000

    @property
    def worker_connections(self) -> int:
        """How many connections this worker may hold now: gunicorn's loop reads it before each
        wait for events, and stops accepting at it."""
        return self._say_holding()

    @worker_connections.setter
    def worker_connections(self, value: int) -> None:
        self._most_connections = value

    def init_process(self):
        # A thread that waited on the database or Redis gets Python back sooner from one that
        # computes (a signature), rather than after the interpreter's 5 ms: a page that needs a
        # millisecond of Python between its reads no longer waits 5 ms behind each of the other
        # threads at every read (`veche.core.scheduling`, measured by `make benchmark-surge`).
        sys.setswitchinterval(SWITCH_INTERVAL)
        if balancing.BOARD is None or self.veche_slot is None:
            self.log.info("Connections not spread by load: no slot on the workers' board")
        super().init_process()

    def run(self):
        try:
            super().run()
        finally:
            self._leave_board()

    def wait_for_and_dispatch_events(self, timeout):
        # Serving, a worker looks at the board ten times a second, not only at its next event:
        # it says how many it holds (or is left out as stalled), and sees whether the others
        # grew.
        if self.alive and self.veche_slot is not None:
            timeout = min(timeout, RECHECK_SECONDS)
        return super().wait_for_and_dispatch_events(timeout)

    def set_accept_enabled(self, enabled):
        if not self.alive:
            self._leave_board()  # shutting down: its connections no longer count
        super().set_accept_enabled(enabled)

    def accept(self, listener):
        super().accept(listener)
        # Said at once, so that the others' limits count it before this worker's next turn.
        self._say_holding()

    def _say_holding(self) -> int:
        """Say on the board how many connections this worker holds, and return how many it may
        hold; without a slot (run under another configuration), gunicorn's setting."""
        board = balancing.BOARD
        if board is None or self.veche_slot is None or not self.alive:
            return self._most_connections
        return board.limit(self.veche_slot, self.nr_conns, time.monotonic(), self._most_connections)

    def _leave_board(self):
        if balancing.BOARD is not None and self.veche_slot is not None:
            balancing.BOARD.free(self.veche_slot)
            self.veche_slot = None

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
        overload.note_queued(getattr(conn, "veche_queued_at", None))
        try:
            return super().handle_request(req, conn)
        finally:
            # A kept-alive connection's next request is queued (and noted) afresh.
            conn.veche_queued_at = None
            overload.note_queued(None)


def pre_fork(server, worker):
    """In the arbiter, before each worker is forked: its slot on the workers' board. With
    `reuse_port` each worker has a listening socket of its own, which the kernel fills: none."""
    if server.cfg.reuse_port:
        return
    in_use = {getattr(each, "veche_slot", None) for each in server.WORKERS.values()}
    worker.veche_slot = balancing.shared_board().take(in_use)


def child_exit(server, worker):
    """In the arbiter, when a worker exited (or was killed): its slot is free again."""
    if balancing.BOARD is not None and worker.veche_slot is not None:
        balancing.BOARD.free(worker.veche_slot)


def post_worker_init(worker):
    """In the worker, once the application is loaded: its requests are counted for the
    operators' page (`veche.core.overload`), and a thread adds the counts every few seconds,
    so that no request waits on that."""
    overload.start_flushing()


def worker_exit(server, worker):
    """In the worker, as it exits: what it counted for the operators' page is not lost."""
    overload.flush_counts()


worker_class = "veche.core.gunicorn_config.QueueTimingWorker"
workers = 4
# Threads per worker: enough to overlap waits on the database, few enough that a queue forms
# (and is measured) rather than every request running at once and slowing all the others.
threads = 4
keepalive = 5
