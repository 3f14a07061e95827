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

    def __init__(self, write_slack: float = WRITE_SLACK):
        self.write_slack = write_slack
        self._heap: list = []
        self._order = itertools.count()
        self._ready = threading.Condition()
        self._next_is_write = False

    def next_is_write(self, write: bool) -> None:
        self._next_is_write = write

    def put(self, item, block: bool = True, timeout: float | None = None) -> None:
        if item is None:
            due = float("inf")
        else:
            due = time.monotonic() + (self.write_slack if self._next_is_write else 0.0)
        self._next_is_write = False
        with self._ready:
            heapq.heappush(self._heap, (due, next(self._order), item))
            self._ready.notify()

    def get(self, block: bool = True, timeout: float | None = None):
        with self._ready:
            if not block:
                if not self._heap:
                    raise queue.Empty
            elif not self._ready.wait_for(lambda: self._heap, timeout):
                raise queue.Empty
            return heapq.heappop(self._heap)[2]

    def get_nowait(self):
        return self.get(block=False)

    def qsize(self) -> int:
        return len(self._heap)

    def empty(self) -> bool:
        return not self._heap
