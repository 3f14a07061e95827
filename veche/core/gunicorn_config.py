"""Veche's gunicorn configuration: `gunicorn veche.wsgi -c python:veche.core.gunicorn_config`.

Threaded workers (a thread waits on PostgreSQL while another runs Python) whose worker notes
when each request was queued for a thread, so that `veche.core.overload.ShedLoadMiddleware` can
answer 503 to a request that waited too long instead of letting the queue grow. Any setting
here can be changed on the command line (`--workers 8`) or in GUNICORN_CMD_ARGS.
"""

import time

from gunicorn.workers.gthread import ThreadWorker

from veche.core.overload import note_queued


class QueueTimingWorker(ThreadWorker):
    """gunicorn's threaded worker, noting when each request joined the queue for a thread."""

    def enqueue_req(self, conn):
        conn.veche_queued_at = time.monotonic()
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
