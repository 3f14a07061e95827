"""Which waiting request a worker's free thread takes next: reads before writes, within bounds.

Under a surge most visitors read the appeal's page, which costs a millisecond (the shared copy),
while each signature costs ten or more. Taken in arrival order, a reader waits behind every
signature queued before it, and the page everyone is sent to takes half a second. So the queue
of a worker's threads is ordered by a due time: a request that only reads (GET, HEAD) is due
when it arrives, any other `WRITE_SLACK` seconds after it arrives. A read therefore passes the
writes that arrived less than the slack before it, and never one that waited longer: a write
gives way to the reads of that slack only, never to a stream of later ones. Past capacity, what
waits too long either way is answered 503 by `veche.core.overload`, writes first.

The method is read from the first bytes the client sent, peeked without taking them from the
socket. A new connection whose bytes are not there yet waits for them in the worker's poller,
not in a thread; under TLS terminated by gunicorn itself, whose bytes say nothing, every
request counts as a read.

And at most `WRITE_THREADS` of a worker's threads run writes at once: the others are kept for
reads, so a page asked during a surge of signatures finds a thread free at once and shares
the interpreter with a few signatures rather than with every thread's. Beyond the first, a
write starts only while no read waits, or while the writes that run are slow (`SLOW_WRITE`:
one waiting on a lock, or on a body that comes a byte at a time, holds up no other write for
long): one write at a time always goes on (a stream of reads never stops the signatures), and
the second thread that may run writes serves them when the readers leave it free. Measured by
`make benchmark-surge`, with a surge's connections spread over the workers, that took the
page from 429 to 625-661 a second. Writes beyond that wait in the queue, in order, and a
write that waits too long is answered 503 as any request is.
"""

import heapq
import itertools
import os
import queue
import re
import socket
import threading
import time


def whole_number(name: str, default: int, *, minimum: int = 0) -> int:
    """A setting of the gunicorn worker, read from its environment before Django's settings."""
    raw = os.environ.get(name, str(default))
    if not re.fullmatch(r"[0-9]+", raw) or int(raw) < minimum:
        raise ValueError(f"{name} must be a whole number of at least {minimum}, not {raw!r}")
    return int(raw)


# Seconds a write gives way to reads that arrive after it.
WRITE_SLACK = whole_number("VECHE_WRITE_SLACK_MS", 50) / 1000
# How many of a worker's threads may run writes at once.
WRITE_THREADS = whole_number("VECHE_WRITE_THREADS", 2, minimum=1)
# Seconds after which a running write counts as slow: the next write need not wait for it to
# end while reads wait (a signature runs for some 30 ms under a surge; a slow one waits on a
# lock or on a body that comes a byte at a time).
SLOW_WRITE = 0.2
_READS = (b"GET ", b"HEAD")


def peek(sock) -> bytes | None:
    """The first bytes waiting on `sock`, left there; b"" when none came yet, None when the
    socket cannot be peeked at (TLS)."""
    try:
        return sock.recv(4, socket.MSG_PEEK | socket.MSG_DONTWAIT)
    except BlockingIOError:
        return b""
    except (OSError, ValueError):
        return None


def is_write(start: bytes | None) -> bool:
    """Is a request starting with these bytes anything but a read? Unknown: a read."""
    return bool(start) and len(start) == 4 and start not in _READS


class ReadsFirstQueue:
    """The work queue of a `ThreadPoolExecutor` (its `put`, `get` and `get_nowait`), ordered by
    due time. The executor's submitter says what comes next (`next_is_write`) just before it
    submits; the executor's `None` (shut down) comes after all work, as it would in order."""

    def __init__(
        self,
        write_slack: float = WRITE_SLACK,
        write_threads: int = WRITE_THREADS,
        slow_write: float = SLOW_WRITE,
    ):
        self.write_slack = write_slack
        self.write_threads = write_threads
        self.slow_write = slow_write
        self._heap: list = []
        self._order = itertools.count()
        self._ready = threading.Condition()
        self._next_is_write = False
        self._writes_running = 0
        # When each running write started, by the thread that runs it.
        self._writes_started: dict[int, float] = {}
        # Whether the thread's last item was a write: it is done when the thread asks again.
        self._thread = threading.local()

    def next_is_write(self, write: bool) -> None:
        self._next_is_write = write

    def put(self, item, block: bool = True, timeout: float | None = None) -> None:
        write = self._next_is_write
        self._next_is_write = False
        if item is None:
            due, write = float("inf"), True  # the end: after all work, writes included
        else:
            due = time.monotonic() + (self.write_slack if write else 0.0)
        with self._ready:
            heapq.heappush(self._heap, (due, next(self._order), write, item))
            self._ready.notify()

    def get(self, block: bool = True, timeout: float | None = None):
        with self._ready:
            if getattr(self._thread, "ran_write", False):
                self._thread.ran_write = False
                self._writes_running -= 1
                self._writes_started.pop(threading.get_ident(), None)
                self._ready.notify_all()  # a write waiting for a thread may go
            if block and not self._ready.wait_for(lambda: self._next() is not None, timeout):
                raise queue.Empty
            index = self._next()
            if index is None:
                raise queue.Empty
            _due, _order, write, item = self._take(index)
            if write and item is not None:
                self._writes_running += 1
                self._writes_started[threading.get_ident()] = time.monotonic()
                self._thread.ran_write = True
            return item

    def _next(self) -> int | None:
        """Where in the heap the item to run next is: the first due while no write runs, or
        while those that run are slow and a thread that may run writes is left; otherwise the
        first read due, or when no read waits a write, if such a thread is left; None when
        nothing may run."""
        if not self._heap:
            return None
        if self._writes_running == 0:
            return 0
        may_write = self._writes_running < self.write_threads
        if may_write and self._all_writes_slow():
            return 0
        reads = [n for n, entry in enumerate(self._heap) if not entry[2]]
        if reads:
            return min(reads, key=lambda n: self._heap[n][:2])
        return 0 if may_write else None

    def _all_writes_slow(self) -> bool:
        started = self._writes_started.values()
        return bool(started) and time.monotonic() - max(started) >= self.slow_write

    def _take(self, index: int) -> tuple:
        last = self._heap.pop()
        if index == len(self._heap):
            return last
        taken, self._heap[index] = self._heap[index], last
        heapq.heapify(self._heap)
        return taken

    def get_nowait(self):
        return self.get(block=False)

    def qsize(self) -> int:
        return len(self._heap)

    def empty(self) -> bool:
        return not self._heap
