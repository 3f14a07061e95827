"""Which of gunicorn's workers takes a new connection: one of those holding fewest.

gunicorn's workers share one listening socket, and whichever wakes first accepts. A burst of new
connections (a proxy's pool of kept-alive ones, a crowd arriving at once) can land on one or two
workers, and a kept-alive connection stays where it landed. Measured under a surge
(`make benchmark-surge`), one worker then held most of the readers while another held only
signers: the reads-first order of a worker's queue (`veche.core.scheduling`) works within a
worker, so it gave those readers nothing, and the page's rate swung by half from one run to
the next with where the connections happened to land.

So the workers keep a small table, in memory the arbiter shares with every worker it forks
(`BOARD`, made by the arbiter before its first fork), of how many connections each holds, and
a worker stops accepting while it holds more than `SLACK` + 1 above the least loaded of the
others: gunicorn's own limit on a worker's connections (`worker_connections`), made to move.
The worker holding fewest is always under its limit, so a new connection is always taken by
one that looks. A worker that stalls (a slow close, a long call that holds the interpreter, a
stop) stops saying how many it holds and is left out after `STALE` seconds, so it delays new
connections by no more than that; one that shuts down leaves the table at once, and one that
exited is taken off it by the arbiter.

(Taking a connection that waited on the listening socket longer than some patience, whatever
the table says, was tried and dropped: under a surge new connections arrive all the time, so
the socket is readable at every look though none waits long, and the workers took them as
they came again.)
"""

import ctypes
import multiprocessing

from veche.core.scheduling import whole_number

# How many more connections than the least loaded other worker a worker may hold, beyond one.
SLACK = 1
# Seconds after which a worker that has not said how many connections it holds is left out:
# a serving worker says so at every turn of its loop, ten times a second at least.
STALE = whole_number("VECHE_WORKER_STALE_MS", 300, minimum=1) / 1000
_FREE = -1


class Board:
    """The table: for each slot, the connections a worker holds (or `_FREE`) and when it last
    said so (`time.monotonic()`, one clock for every process of the machine). Each worker writes
    its own slot only; a read of another's may be a moment old, never torn (one aligned word)."""

    def __init__(self, slots: int):
        self._conns = multiprocessing.RawArray(ctypes.c_int, [_FREE] * slots)
        self._said_at = multiprocessing.RawArray(ctypes.c_double, slots)

    def take(self, in_use: set[int]) -> int | None:
        """A slot for a worker about to be forked (in the arbiter, which forks one at a time):
        the first that no living worker holds; None when all are held."""
        for slot in range(len(self._conns)):
            if slot not in in_use:
                self._conns[slot] = _FREE
                return slot
        return None

    def free(self, slot: int) -> None:
        self._conns[slot] = _FREE

    def limit(self, slot: int, holding: int, now: float, most: int) -> int:
        """Say that the worker of `slot` holds `holding` connections, and how many it should
        hold: `SLACK` + 1 above the least loaded of the others that said so lately, at most
        `most`."""
        self._conns[slot] = holding
        self._said_at[slot] = now
        said_at = self._said_at[:]
        least = None
        for other, held in enumerate(self._conns[:]):
            if held == _FREE or other == slot or now - said_at[other] > STALE:
                continue
            if least is None or held < least:
                least = held
        return most if least is None else min(most, least + SLACK + 1)


BOARD: Board | None = None


def shared_board(slots: int = 64) -> Board:
    """The board, made on first use: call it in the arbiter, before the workers are forked."""
    global BOARD
    if BOARD is None:
        BOARD = Board(slots)
    return BOARD
