"""A big record drawn in parts: WeasyPrint lays out a table of ten thousand rows in one piece with
gigabytes of memory, so the rows are split into parts of `PART_ROWS`, each part is rendered to a
PDF of its own and forgotten, and the parts are joined with pypdf; the parts are laid out side by
side in child processes (records/processes.py). A record that fits in one part is rendered
exactly as before, in one piece, to the same bytes.

Each part is the record's template with `part` in its context: the first part has the opening
(`part.head`), the last the end (`part.tail`), every part the table's header row and the DRAFT
mark; a part starts on a new page. The footer's "page X of Y" cannot be known while a part is
laid out, so the parts are drawn without it and the numbers are laid over the joined pages
afterwards from a document of empty pages with the same page rules (`page_numbers.html`).
"""

import dataclasses
import io
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from pypdf import PdfReader, PdfWriter

from veche.discussions.records.content import Record
from veche.discussions.records.processes import lay_out
from veche.documents.rendering import page_counter_css, render_html, render_pdf

# Rows per part: about 45 pages of a protocol, laid out in some 70 MB over what the worker holds
# (two side by side with the worker: 435 MB at 1 000 submissions, about 545 MB at 10 000; README
# "Records of a big hearing"). A record of up to two parts' rows is one piece (`one_piece`).
PART_ROWS = 250
NUMBERS_TEMPLATE = "discussions/records/page_numbers.html"
# Pages of "page X of Y" drawn in one document (WeasyPrint: about 0.01 s of CPU each).
NUMBERED_PAGES = 300
# The sections before the submissions' section in the protocol and the conclusion.
SECTIONS_BEFORE_ENTRIES = 3

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Part:
    head: bool
    tail: bool
    offset: int = 0  # rows in the parts before (the annex numbers its rows on)
    sections_before: int = SECTIONS_BEFORE_ENTRIES


def no_progress(*_args) -> None:
    pass


def record_parts(record: Record, size: int) -> list[Record]:
    """The record with its submissions split into parts of `size` rows. A group goes on in the
    next part without its heading; a group without submissions stays where it stands."""
    rows = [(index, entry) for index, group in enumerate(record.groups) for entry in group.entries]
    count = max(1, -(-len(rows) // size))
    before = 0
    home: dict[int, int] = {}  # a group without rows: the part of the rows before it
    for index, group in enumerate(record.groups):
        if not group.entries:
            home[index] = min(max(before - 1, 0) // size, count - 1)
        before += len(group.entries)
    parts = []
    for number in range(count):
        chunk = rows[number * size : (number + 1) * size]
        started = {index for index, _entry in rows[: number * size]}
        groups = []
        for index, group in enumerate(record.groups):
            entries = [entry for where, entry in chunk if where == index]
            if entries or home.get(index) == number:
                groups.append(
                    dataclasses.replace(group, entries=entries, continued=index in started)
                )
        parts.append(dataclasses.replace(record, groups=groups))
    return parts


def render_parts(
    template_name: str,
    contexts: list[dict],
    *,
    identifier: str = "",
    progress: Progress = no_progress,
    rows: list[int] | None = None,
) -> bytes:
    """The PDF of a record whose content is split into `contexts` (one per part, in order), the
    pages numbered through. One context: the record rendered in one piece, as it always was."""
    base_url = settings.SITE_URL + "/"
    if len(contexts) == 1:
        pdf = render_pdf(template_name, contexts[0], base_url=base_url, identifier=identifier)
        progress(1, 1)
        return pdf
    rows = rows or [1] * len(contexts)
    total, finished = sum(rows), []

    def pages():
        for number, context in enumerate(contexts):
            part = Part(
                head=number == 0, tail=number == len(contexts) - 1, offset=sum(rows[:number])
            )
            # No page counter while laid out: it is laid over the joined pages below.
            yield render_html(template_name, {**context, "part": part, "page_counter": "none"})

    def done(number: int) -> None:
        finished.append(number)
        progress(sum(rows[index] for index in finished), total)

    laid_out = lay_out(pages(), len(contexts), base_url=base_url, identifier=identifier, done=done)
    writer = PdfWriter()
    for pdf in laid_out:
        writer.append(PdfReader(io.BytesIO(pdf)), import_outline=False)
    writer.add_metadata(dict(PdfReader(io.BytesIO(laid_out[0])).metadata or {}))
    del laid_out
    _number_pages(writer, template_name, contexts[0], base_url)
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


def _number_pages(writer: PdfWriter, template_name: str, context: dict, base_url: str) -> None:
    """Lay "page X of Y" over every page, drawn by WeasyPrint on empty pages of the same size,
    margins and footer as the record's: in documents of `NUMBERED_PAGES` each, side by side."""
    total = len(writer.pages)
    starts = range(0, total, NUMBERED_PAGES)

    def overlays():
        for start in starts:
            yield render_html(
                NUMBERS_TEMPLATE,
                {
                    "pages": range(min(NUMBERED_PAGES, total - start)),
                    "first_page": start + 1,
                    "stylesheet": context["stylesheet"],
                    "annex": template_name.endswith("annex.html"),
                    "page_counter": page_counter_css(pages=total),
                    "verification": None,
                },
            )

    numbers = lay_out(overlays(), len(starts), base_url=base_url, identifier="", done=no_progress)
    pages = (page for pdf in numbers for page in PdfReader(io.BytesIO(pdf)).pages)
    for page, overlay in zip(writer.pages, pages, strict=True):
        page.merge_page(overlay)
        page.compress_content_streams()


def one_piece(rows: int, size: int) -> int:
    """The size of the parts of a record of `rows`: all of them in one piece up to twice `size`
    (the bytes of a small record never change), else `size`."""
    return size if rows > 2 * size else max(rows, 1)


def split_rows(items: list, size: int) -> list[list]:
    size = one_piece(len(items), size)
    return [items[start : start + size] for start in range(0, len(items), size)] or [[]]
