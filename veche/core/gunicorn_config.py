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

from veche.core.overload import note_queued
from veche.core.scheduling import ReadsFirstQueue, is_write, peek, whole_number

# Seconds a thread runs Python before another may take over (the interpreter's default: 0.005).
SWITCH_INTERVAL = whole_number("VECHE_SWITCH_INTERVAL_US", 500, minimum=1) / 1_000_000


class QueueTimingWorker(ThreadWorker):
    """gunicorn's threaded worker, noting when each request joined the queue for a thread, and
    giving its threads the reads before the writes that arrived just before them
    (`veche.core.scheduling`)."""

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


worker_class = "veche.core.gunicorn_config.QueueTimingWorker"
workers = 4
# Threads per worker: enough to overlap waits on the database, few enough that a queue forms
# (and is measured) rather than every request running at once and slowing all the others.
threads = 4
keepalive = 5
