"""The parts of a big record laid out side by side in child processes.

A part is either HTML that WeasyPrint lays out (the first and the last) or a `Drawing` that
reportlab draws (the ones between, records/drawing.py); either takes one core for its time, so a
build with several cores would wait on one of them. The parent renders the parts' HTML and makes
their drawings (a fraction of a second in all), then forks at most `VECHE_RECORDS_PROCESSES`
children (by default one per core the process may use), which inherit them all; each child lays
out the part the parent names, writes its PDF to a file, says so, and takes the next one. The
parts WeasyPrint lays out go first, as the longest, and a child that laid one out exits after
it, handing WeasyPrint's memory (some 250 MB for a part of 500 submissions) back at once; the
next part gets a new child. The parts are joined in order, so the bytes are those of making them
one by one.

A child inherits the parent's memory by `fork` and touches neither the database nor anything
the parent holds open; a part that fails (an exception, or a child killed for memory) fails the
whole build with the part's error, and the children still running are stopped.
"""

import collections
import gc
import multiprocessing
import os
import tempfile
from collections.abc import Callable, Iterable
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Protocol

from django.conf import settings

from veche.documents.rendering import html_to_pdf


class PartFailed(RuntimeError):
    pass


class Drawing(Protocol):
    """A part drawn without WeasyPrint: its PDF, made in the child."""

    def pdf(self) -> bytes: ...


def _laid_out(page: "str | Drawing", base_url: str, identifier: str) -> bytes:
    if isinstance(page, str):
        return html_to_pdf(page, base_url=base_url, identifier=identifier)
    return page.pdf()


def process_count() -> int:
    """How many parts are laid out at once: the setting, or one per core this process may use."""
    return settings.VECHE_RECORDS_PROCESSES or len(os.sched_getaffinity(0))


def lay_out(
    pages: Iterable["str | Drawing"],
    count: int,
    *,
    base_url: str,
    identifier: str,
    done: Callable[[int], None],
    processes: int | None = None,
) -> list[bytes]:
    """The PDF of each of the `count` HTML documents or drawings of `pages` (made as they are
    needed), in order; `done(index)` as each one is ready, in the order they finish."""
    processes = processes or process_count()
    if processes <= 1 or count <= 1:
        laid_out = []
        for index, html in enumerate(pages):
            laid_out.append(_laid_out(html, base_url, identifier))
            done(index)
        return laid_out
    with tempfile.TemporaryDirectory(prefix="veche-record-") as folder:
        return _in_children(pages, count, Path(folder), base_url, identifier, done, processes)


def _in_children(pages, count, folder: Path, base_url, identifier, done, processes):
    """Every part made ready in the parent first (a rendered template or a drawing: a fraction
    of a second in all), then laid out by at most `processes` children, each taking the next part
    as it finishes one: a child costs some 0.1 s of CPU to fork and to touch the parent's pages
    it shares, so forty parts drawn by reportlab in two children rather than forty save seconds.
    The parts laid out by WeasyPrint go first (the longest, so the children finish together), and
    a child that laid one out ends with it, handing WeasyPrint's memory back."""
    pages = list(pages)
    waiting = collections.deque(
        sorted(range(count), key=lambda index: not isinstance(pages[index], str))
    )
    fork = multiprocessing.get_context("fork")
    running: dict[Connection, tuple[multiprocessing.Process, int]] = {}
    laid_out: list[bytes | None] = [None] * count
    started = 0
    try:
        while waiting or running:
            while waiting and len(running) < processes:
                ours, theirs = fork.Pipe()
                started += 1
                child = fork.Process(
                    target=_child,
                    args=(pages, theirs, folder, base_url, identifier),
                    name=f"veche-record-parts-{started}",
                    daemon=True,
                )
                gc.freeze()  # the parent's objects stay out of the child's collections
                child.start()
                gc.unfreeze()
                theirs.close()
                index = waiting.popleft()
                ours.send(index)
                running[ours] = (child, index)
            for connection in wait(list(running)):
                child, index = running.pop(connection)
                try:
                    connection.recv()
                except EOFError:  # the child ended without the part: it failed or was killed
                    child.join()
                    raise PartFailed(_failure(folder, index, count, child)) from None
                laid_out[index] = (folder / f"{index}.pdf").read_bytes()
                done(index)
                if waiting and not isinstance(pages[index], str):
                    index = waiting.popleft()
                    connection.send(index)
                    running[connection] = (child, index)
                else:
                    connection.send(None)
                    connection.close()
                    child.join()
    finally:
        for _connection, (child, _index) in running.items():
            child.terminate()
        for connection, (child, _index) in running.items():
            child.join()
            connection.close()
    return laid_out


def _failure(folder: Path, index: int, count: int, child) -> str:
    error = (folder / f"{index}.pdf").with_suffix(".error")
    reason = error.read_text() if error.exists() else f"the process ended with {child.exitcode}"
    return f"part {index + 1} of {count}: {reason}"


def _child(pages: list, connection: Connection, folder: Path, base_url, identifier) -> None:
    """In a child: lay out the parts the parent sends the numbers of, one by one, until it sends
    None. Each file appears whole or not at all; a part that fails ends the child."""
    while (index := connection.recv()) is not None:
        path = folder / f"{index}.pdf"
        try:
            pdf = _laid_out(pages[index], base_url, identifier)
        except BaseException as error:
            path.with_suffix(".error").write_text(f"{type(error).__name__}: {error}")
            raise
        partial = path.with_suffix(".partial")
        partial.write_bytes(pdf)
        partial.rename(path)
        connection.send(index)
