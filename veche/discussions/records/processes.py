"""The parts of a big record laid out side by side, each in a child process of its own.

A part is either HTML that WeasyPrint lays out (the first and the last) or a `Drawing` that
reportlab draws (the ones between, records/drawing.py); either takes one core for its time, so a
build with several cores would wait on one of them. The parent renders each part's HTML (a
fraction of a second) or makes its drawing just before it forks a child for it, at most
`VECHE_RECORDS_PROCESSES` at a time (by default one per core the process may use); the child
makes the part's PDF, writes it to a file and exits, handing its memory (WeasyPrint: some 250 MB
for a part of 500 submissions) back at once. The parts are joined in order, so the bytes are
those of making them one by one.

A child inherits the parent's memory by `fork` and touches neither the database nor anything
the parent holds open; a part that fails (an exception, or a child killed for memory) fails the
whole build with the part's error, and the children still running are stopped.
"""

import gc
import multiprocessing
import os
import tempfile
from collections.abc import Callable, Iterable
from multiprocessing.connection import wait
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
    fork = multiprocessing.get_context("fork")
    waiting = enumerate(pages)
    started = 0
    running: dict[int, tuple[int, multiprocessing.Process]] = {}
    laid_out: list[bytes | None] = [None] * count
    try:
        while started < count or running:
            while started < count and len(running) < processes:
                index, html = next(waiting)
                started += 1
                child = fork.Process(
                    target=_child,
                    args=(html, base_url, identifier, folder / f"{index}.pdf"),
                    name=f"veche-record-part-{index + 1}",
                    daemon=True,
                )
                gc.freeze()  # the parent's objects stay out of the child's collections
                child.start()
                gc.unfreeze()
                running[child.sentinel] = (index, child)
            for sentinel in wait(list(running)):
                index, child = running.pop(sentinel)
                child.join()
                laid_out[index] = _result(folder / f"{index}.pdf", index, count, child)
                done(index)
    finally:
        for _index, child in running.values():
            child.terminate()
        for _index, child in running.values():
            child.join()
    return laid_out


def _result(path: Path, index: int, count: int, child) -> bytes:
    if child.exitcode == 0 and path.exists():
        return path.read_bytes()
    error = path.with_suffix(".error")
    reason = error.read_text() if error.exists() else f"the process ended with {child.exitcode}"
    raise PartFailed(f"part {index + 1} of {count}: {reason}")


def _child(html: "str | Drawing", base_url: str, identifier: str, path: Path) -> None:
    """In the child: lay out one part. The file appears whole or not at all."""
    try:
        pdf = _laid_out(html, base_url, identifier)
    except BaseException as error:
        path.with_suffix(".error").write_text(f"{type(error).__name__}: {error}")
        raise
    partial = path.with_suffix(".partial")
    partial.write_bytes(pdf)
    partial.rename(path)
