"""A big record drawn in parts: WeasyPrint lays out a table of ten thousand rows in one piece with
gigabytes of memory, and at a tenth of a second of CPU a page, so the rows are split into parts
(`part_sizes`), each part is made into a PDF of its own and forgotten, and the parts are joined
with pikepdf (qpdf); the parts are made side by side in child processes (records/processes.py).
A record of up to twice `PART_ROWS` rows is rendered exactly as before, in one piece, to the same
bytes.

Which engine draws what. The first part is the record's template with `part.head`: the opening
(the heading, the title, the sections before the submissions) and the first `EDGE_ROWS` rows; the
last part is the template with `part.tail`: the last `EDGE_ROWS` rows and the end (statistics,
votes, meeting, signature, verification block). Both are laid out by WeasyPrint, so everything a
record says besides its tables keeps one look, one template, and the DOCX's content. The parts
between them, of at most `PART_ROWS` rows, hold nothing but groups' headings and tables: those
are drawn by reportlab (records/drawing.py), sixty times faster, to the same page, margins,
fonts and rules. The split is at whole rows, so a part starts on a new page, as it did before.

The footer's "page X of Y" cannot be known while a part is made, so the parts are made without
it and the numbers are drawn afterwards by reportlab, where WeasyPrint puts the counter, and laid
over the joined pages.
"""

import bisect
import dataclasses
import io
import itertools
from collections.abc import Callable
from dataclasses import dataclass

import pikepdf
from django.conf import settings

from veche.discussions.records.content import Record
from veche.discussions.records.drawing import (
    ANNEX_PAGE,
    RECORD_PAGE,
    Page,
    page_numbers_pdf,
)
from veche.discussions.records.processes import Drawing, lay_out
from veche.documents.rendering import render_html, render_pdf

# Rows of a part drawn by reportlab: about 45 pages of a protocol, a second of CPU. A record of up
# to two parts' rows is one piece (`part_sizes`).
PART_ROWS = 250
# Rows of the first and the last part, laid out by WeasyPrint with the opening and the end: a few
# pages at a tenth of a second each.
EDGE_ROWS = 25
# The prefix of the names of the page numbers' fonts on a record's pages.
NUMBERS_FONT = "/VecheNumbers"
# The sections before the submissions' section in the protocol and the conclusion.
SECTIONS_BEFORE_ENTRIES = 3

Progress = Callable[[int, int], None]
# The drawing of a part between the first and the last, from its context (with `part`).
Draw = Callable[[dict], Drawing]


@dataclass(frozen=True)
class Part:
    head: bool
    tail: bool
    offset: int = 0  # rows in the parts before (the annex numbers its rows on)
    sections_before: int = SECTIONS_BEFORE_ENTRIES


def no_progress(*_args) -> None:
    pass


def part_sizes(rows: int, size: int) -> list[int]:
    """The rows of each part of a record of `rows`: all of them in one piece up to twice `size`
    (the bytes of a small record never change); else a first and a last part of `EDGE_ROWS` (the
    opening and the end, laid out by WeasyPrint) and between them parts of at most `size`, drawn
    by reportlab (records/drawing.py)."""
    if rows <= 2 * size:
        return [rows]
    edge = min(EDGE_ROWS, size)
    middle = rows - 2 * edge
    count = -(-middle // size)
    even, more = divmod(middle, count)
    return [edge, *(even + (number < more) for number in range(count)), edge]


def record_parts(record: Record, sizes: list[int]) -> list[Record]:
    """The record with its submissions split into parts of `sizes` rows. A group goes on in the
    next part without its heading; a group without submissions stays where it stands. Each group
    knows its place among the record's groups (its heading's number)."""
    rows = [(index, entry) for index, group in enumerate(record.groups) for entry in group.entries]
    ends = list(itertools.accumulate(sizes))
    before = 0
    home: dict[int, int] = {}  # a group without rows: the part of the rows before it
    for index, group in enumerate(record.groups):
        if not group.entries:
            home[index] = min(bisect.bisect_right(ends, max(before - 1, 0)), len(sizes) - 1)
        before += len(group.entries)
    parts = []
    for number, end in enumerate(ends):
        start = end - sizes[number]
        chunk = rows[start:end]
        started = {index for index, _entry in rows[:start]}
        groups = []
        for index, group in enumerate(record.groups):
            entries = [entry for where, entry in chunk if where == index]
            if entries or home.get(index) == number:
                groups.append(
                    dataclasses.replace(
                        group, entries=entries, continued=index in started, number=index + 1
                    )
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
    draw: Draw | None = None,
) -> bytes:
    """The PDF of a record whose content is split into `contexts` (one per part, in order), the
    pages numbered through: the first and the last part laid out by WeasyPrint from the template,
    the ones between drawn by `draw` if given. One context: the record rendered in one piece, as
    it always was."""
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
            if draw and not part.head and not part.tail:
                yield draw({**context, "part": part})
            else:
                # No page counter while laid out: it is laid over the joined pages below.
                yield render_html(template_name, {**context, "part": part, "page_counter": "none"})

    def done(number: int) -> None:
        finished.append(number)
        progress(sum(rows[index] for index in finished), total)

    laid_out = lay_out(pages(), len(contexts), base_url=base_url, identifier=identifier, done=done)
    return joined(laid_out, ANNEX_PAGE if template_name.endswith("annex.html") else RECORD_PAGE)


def joined(laid_out: list[bytes], page: Page) -> bytes:
    """The parts' PDFs as one, in order, numbered through ("page X of Y", `_number_pages`), with
    the first part's document information (title, creator, producer) and language. qpdf copies
    the parts' pages as they are, streams still compressed: about a second for 2 100 pages,
    where pypdf took four (reading every object into Python and writing it out again)."""
    with pikepdf.Pdf.new() as pdf:
        parts = [pikepdf.open(io.BytesIO(part)) for part in laid_out]
        try:
            for part in parts:
                pdf.pages.extend(part.pages)
            first = parts[0]
            pdf.docinfo = pdf.copy_foreign(first.docinfo)
            if "/Lang" in first.Root:
                pdf.Root.Lang = first.Root.Lang
            _number_pages(pdf, page)
            output = io.BytesIO()
            # The same parts give the same bytes (the file's /ID is a hash of its content).
            pdf.save(
                output,
                deterministic_id=True,
                min_version=max(part.pdf_version for part in parts),
                object_stream_mode=pikepdf.ObjectStreamMode.generate,
            )
        finally:
            for part in parts:
                part.close()
    return output.getvalue()


def _number_pages(pdf: pikepdf.Pdf, page: Page) -> None:
    """Lay "page X of Y" over every page, drawn by reportlab where WeasyPrint puts the footer's
    counter (records/drawing.py). Each page gets the number's own content stream after its own,
    which is wrapped in q/Q so that what it leaves of the graphics state does not move the
    number; the numbers' fonts are added to each page's fonts under names of their own."""
    with pikepdf.open(io.BytesIO(page_numbers_pdf(page, len(pdf.pages)))) as numbers:
        push, pop = (
            pdf.make_indirect(pikepdf.Stream(pdf, b"q\n")),
            pdf.make_indirect(pikepdf.Stream(pdf, b"\nQ\n")),
        )
        fonts: dict[str, pikepdf.Object] = {}  # the numbers' fonts, renamed apart from the pages'
        for page_of_record, overlay in zip(pdf.pages, numbers.pages, strict=True):
            data = overlay.obj.Contents.read_bytes()
            for name, font in overlay.obj.Resources.Font.items():
                if name not in fonts:
                    fonts[name] = pdf.copy_foreign(font)
                data = data.replace(f"{name} ".encode(), f"{NUMBERS_FONT}{name[1:]} ".encode())
            record = page_of_record.obj
            own = record.Contents
            own = list(own) if isinstance(own, pikepdf.Array) else [own]
            number = pdf.make_indirect(pikepdf.Stream(pdf, data))
            record.Contents = pikepdf.Array([push, *own, pop, number])
            if "/Resources" not in record:
                record.Resources = pikepdf.Dictionary()
            if "/Font" not in record.Resources:
                record.Resources.Font = pikepdf.Dictionary()
            for name, font in fonts.items():
                record.Resources.Font[f"{NUMBERS_FONT}{name[1:]}"] = font


def split_rows(items: list, size: int) -> list[list]:
    sizes = part_sizes(len(items), size)
    ends = itertools.accumulate(sizes)
    return [items[end - length : end] for end, length in zip(ends, sizes, strict=True)]
