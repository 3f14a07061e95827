"""The middle parts of a big record drawn with reportlab rather than WeasyPrint.

WeasyPrint spends about a tenth of a second of CPU on each page of a record's tables (Pango
breaking the text into lines), so a hearing of 10 000 submissions took some 300 s of CPU; reportlab
draws the same table at about a sixtieth of that. It draws only what repeats page after page:
the groups' headings and notes, the tables of submissions (`EntriesDrawing`) and the participants'
table of the annex (`ParticipantsDrawing`), with the stylesheet's page size and margins, fonts
(DejaVu from the system), sizes, paddings, rules, the header row on every page, the DRAFT mark,
the annex's mark at the top and the footer's verification note. Everything else — the opening
with its sections and the end with the statistics, votes, meeting, signature and verification
block — stays in the templates and WeasyPrint (records/parts.py): they are a few pages, they say
what a record says, and one look for them is kept in one place. Only records of more than two
parts' rows are drawn so; a smaller one is one WeasyPrint piece, to the same bytes as ever.

Residents wrote the texts: reportlab's Paragraph reads a markup of its own, so every text is
escaped before it becomes one (`markup`), its line breaks made as Django's `linebreaks` and
`linebreaksbr` make them, control characters dropped. DejaVu has no glyph for emoji and other
astral characters; WeasyPrint would fall back on another font, reportlab cannot, so they are drawn
as U+FFFD (a visible mark that something was there) rather than as nothing.
"""

import functools
import io
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

from django.utils.translation import gettext as _
from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Frame,
    PageTemplate,
    Paragraph,
    Table,
    TableStyle,
)

from veche.discussions.records.content import Group, Participant

# The fonts of documents/document.css, found where Debian puts them (or wherever fontconfig says).
FONT_FILES = {
    "DejaVuSerif": ("DejaVu Serif", "DejaVuSerif.ttf"),
    "DejaVuSerif-Bold": ("DejaVu Serif:bold", "DejaVuSerif-Bold.ttf"),
    "DejaVuSerif-Italic": ("DejaVu Serif:italic", "DejaVuSerif-Italic.ttf"),
    "DejaVuSerif-BoldItalic": ("DejaVu Serif:bold:italic", "DejaVuSerif-BoldItalic.ttf"),
    "DejaVuSans": ("DejaVu Sans", "DejaVuSans.ttf"),
    "DejaVuSans-Bold": ("DejaVu Sans:bold", "DejaVuSans-Bold.ttf"),
}
DEBIAN_FONTS = Path("/usr/share/fonts/truetype/dejavu")
SERIF, SANS = "DejaVuSerif", "DejaVuSans"

# Colours and measures of records.css and document.css.
GREY_TEXT = colors.HexColor("#333333")
HEADER_FILL = colors.HexColor("#eeeeee")
ANSWER_RULE = colors.HexColor("#888888")
FOOTER_TEXT = colors.HexColor("#444444")
RED = colors.Color(185 / 255, 28 / 255, 28 / 255)
RULE = 0.5  # pt: the cells' borders
# The footer's baseline below the page area's bottom, as WeasyPrint puts it (measured).
FOOTER_BASELINE = 18.76
# The annex's mark: its baseline below the page's top edge (measured).
MARK_BASELINE = 23.86
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
ASTRAL = re.compile("[\U00010000-\U0010ffff]")


@dataclass(frozen=True)
class Page:
    """A page of the stylesheet: its size and margins (top, right, bottom, left)."""

    size: tuple[float, float]
    margins: tuple[float, float, float, float]

    @property
    def width(self) -> float:
        return self.size[0] - self.margins[1] - self.margins[3]


RECORD_PAGE = Page(A4, (16 * mm, 15 * mm, 20 * mm, 25 * mm))
ANNEX_PAGE = Page(landscape(A4), (15 * mm, 15 * mm, 18 * mm, 20 * mm))


def _font_file(pattern: str, name: str) -> str:
    fc_match = shutil.which("fc-match")
    if fc_match:
        found = subprocess.run(  # noqa: S603 (our own arguments)
            [fc_match, "--format=%{file}", pattern], capture_output=True, text=True, check=False
        ).stdout.strip()
        if Path(found).name == name:
            return found
    path = DEBIAN_FONTS / name
    if not path.exists():
        raise FileNotFoundError(f"{name} (fonts-dejavu-core) is needed to draw records")
    return str(path)


@functools.cache
def register_fonts() -> None:
    # Binary streams: reportlab's ASCII85 makes its pages and fonts a quarter larger.
    rl_config.useA85 = 0
    for name, (pattern, file_name) in FONT_FILES.items():
        pdfmetrics.registerFont(TTFont(name, _font_file(pattern, file_name)))
    pdfmetrics.registerFontFamily(
        SERIF,
        normal=SERIF,
        bold=f"{SERIF}-Bold",
        italic=f"{SERIF}-Italic",
        boldItalic=f"{SERIF}-BoldItalic",
    )
    pdfmetrics.registerFontFamily(SANS, normal=SANS, bold=f"{SANS}-Bold")


# --- Text ------------------------------------------------------------------------------------


def markup(text: str) -> str:
    """Any text as Paragraph markup that says it literally; line breaks as <br/>."""
    text = ASTRAL.sub("\ufffd", CONTROL.sub("", re.sub(r"\r\n|\r", "\n", str(text))))
    return escape(text).replace("\n", "<br/>")


def paragraphs(text: str) -> list[str]:
    """The paragraphs of a text as Django's `linebreaks` makes them."""
    text = re.sub(r"\r\n|\r|\n", "\n", str(text))
    return [markup(paragraph) for paragraph in re.split(r"\n{2,}", text)]


def _style(name: str, **more) -> ParagraphStyle:
    size = more.pop("size", 8.5)
    return ParagraphStyle(
        name,
        fontName=more.pop("font", SERIF),
        fontSize=size,
        leading=size * more.pop("line_height", 1.28),
        alignment=more.pop("align", TA_LEFT),
        splitLongWords=1,
        **more,
    )


@functools.cache
def styles() -> dict[str, ParagraphStyle]:
    register_fonts()
    return {
        "h3": _style(
            "h3",
            font=f"{SERIF}-Bold",
            size=10.5,
            line_height=1.38,
            keepWithNext=1,
            spaceBefore=4 * mm,
            spaceAfter=0.5 * mm,
        ),
        "note": _style(
            "note",
            size=8.5,
            line_height=1.38,
            textColor=GREY_TEXT,
            align=TA_JUSTIFY,
            keepWithNext=1,
            spaceAfter=1 * mm,
        ),
        "none": _style(
            "none", font=f"{SERIF}-Italic", size=9.5, line_height=1.38, spaceAfter=2.5 * mm
        ),
        "th": _style("th", font=f"{SANS}-Bold", size=7.2),
        "th_right": _style("th_right", font=f"{SANS}-Bold", size=7.2, align=TA_RIGHT),
        "td": _style("td"),
        "td_right": _style("td_right", align=TA_RIGHT),
        "p": _style("p", spaceAfter=1 * mm),
        "small": _style("small", size=7.3, textColor=GREY_TEXT),
        "kind": _style("kind", font=SANS, size=7, textColor=GREY_TEXT, spaceAfter=0.6 * mm),
        "verdict": _style("verdict", font=f"{SERIF}-Bold", spaceAfter=0.6 * mm),
        # After a paragraph the margins collapse into its 1 mm; after an answer they do not.
        "answer": _style("answer", leftIndent=2 * mm + 1),
        "answer_after_answer": _style("answer", leftIndent=2 * mm + 1, spaceBefore=1 * mm),
        "marks": _style("marks", font=f"{SERIF}-Italic"),
        "marks_after_answer": _style("marks", font=f"{SERIF}-Italic", spaceBefore=1 * mm),
        "footer": _style("footer", font=SANS, size=8, textColor=FOOTER_TEXT),
        "annex_mark": _style(
            "annex_mark", font=f"{SANS}-Bold", size=7.5, align=TA_CENTER, textColor=RED
        ),
    }


class Text(Paragraph):
    """A paragraph that keeps its lines for the width it was given: a table measures every cell
    of its rows again each time it is split at a page's end, some sixteen times a row in a part
    of 250, and the lines do not depend on the height."""

    _wrapped: tuple[float, tuple[float, float]] | None = None

    def wrap(self, availWidth, availHeight):
        # reportlab drops the lines (`blPara`) of a paragraph it splits or copies.
        if self._wrapped is None or self._wrapped[0] != availWidth or "blPara" not in vars(self):
            self._wrapped = (availWidth, super().wrap(availWidth, availHeight))
        return self._wrapped[1]


class Answer(Text):
    """An answer of the experts: indented, with a rule on its left (records.css `.answer`)."""

    def draw(self):
        super().draw()
        self.canv.saveState()
        self.canv.setStrokeColor(ANSWER_RULE)
        self.canv.setLineWidth(1)
        self.canv.line(0.5, 0, 0.5, self.height)
        self.canv.restoreState()


def _cell_style(padding_x: float) -> TableStyle:
    """A ruled table of records.css. WeasyPrint's collapsed rules take room, reportlab's are
    drawn over the cells' edges: the cells get the rules' room in their paddings."""
    return TableStyle(
        [
            ("GRID", (0, 0), (-1, -1), RULE, colors.black),
            ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), padding_x),
            ("LEFTPADDING", (0, 0), (0, -1), padding_x + RULE),
            ("RIGHTPADDING", (0, 0), (-1, -1), padding_x + RULE / 2),
            ("TOPPADDING", (0, 0), (-1, -1), 1 * mm + RULE / 2),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 1 * mm + RULE / 2),
        ]
    )


def _widths(page: Page, fixed: list[float | None], padding_x: float) -> list[float]:
    """Column widths of a `table-layout: fixed` table: a width given in CSS is the content's, to
    which the paddings and the collapsed rule are added (and the outer rule to the first); the
    columns without one share the rest."""
    given = [width + 2 * padding_x + RULE if width else None for width in fixed]
    given[0] += RULE
    free = (page.width - sum(width for width in given if width)) / given.count(None)
    return [width or free for width in given]


# --- The page --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Decor:
    """What every page of a part carries besides its flowables."""

    page: Page
    draft: str = ""  # the DRAFT mark's word, if the record is a draft
    footer: str = ""  # the footer's verification note, if the record is registered
    top_mark: str = ""  # the annex's "contains personal data" at the top


def _decorate(frame: Decor, canvas) -> None:
    width, height = frame.page.size
    top, right, bottom, left = frame.page.margins
    canvas.saveState()
    if frame.draft:
        # document.css .draft-mark: fixed at 105 mm below the page area's top, from 15 mm left of
        # it, 200 mm wide, centred, turned 38° about its middle, behind the text.
        font_size = 48
        box_height = font_size * 1.38
        centre_x = left - 15 * mm + 100 * mm
        centre_y = height - top - 105 * mm - box_height / 2
        canvas.translate(centre_x, centre_y)
        canvas.rotate(38)
        canvas.setFillColor(RED)
        canvas.setFillAlpha(0.10)
        text = canvas.beginText()
        text.setFont(f"{SANS}-Bold", font_size)
        text.setCharSpace(0.06 * font_size)
        word_width = pdfmetrics.stringWidth(frame.draft, f"{SANS}-Bold", font_size)
        word_width += 0.06 * font_size * len(frame.draft)
        ascent = pdfmetrics.getAscent(f"{SANS}-Bold", font_size)
        descent = pdfmetrics.getDescent(f"{SANS}-Bold", font_size)
        text.setTextOrigin(-word_width / 2, -(ascent + descent) / 2)
        text.textLine(frame.draft)
        canvas.drawText(text)
        canvas.restoreState()
        canvas.saveState()
    if frame.top_mark:
        # records.css .annex-mark in the top margin: centred, with its letter spacing.
        canvas.setFont(f"{SANS}-Bold", 7.5)
        canvas.setFillColor(RED)
        text = canvas.beginText()
        text.setFont(f"{SANS}-Bold", 7.5)
        text.setCharSpace(0.04 * 7.5)
        mark_width = pdfmetrics.stringWidth(frame.top_mark, f"{SANS}-Bold", 7.5)
        mark_width += 0.04 * 7.5 * len(frame.top_mark)
        text.setTextOrigin(left + (width - left - right - mark_width) / 2, height - MARK_BASELINE)
        text.textLine(frame.top_mark)
        canvas.drawText(text)
    if frame.footer:
        canvas.setFont(SANS, 8)
        canvas.setFillColor(FOOTER_TEXT)
        canvas.drawString(left, bottom - FOOTER_BASELINE, frame.footer)
    canvas.restoreState()


def _pdf(frame: Decor, flowables: list, title: str) -> bytes:
    output = io.BytesIO()
    top, right, bottom, left = frame.page.margins
    width, height = frame.page.size
    document = BaseDocTemplate(
        output,
        pagesize=frame.page.size,
        leftMargin=left,
        rightMargin=right,
        topMargin=top,
        bottomMargin=bottom,
        title=title,
        creator="Veche",
        invariant=1,  # the same bytes each time
    )
    body = Frame(
        left,
        bottom,
        width - left - right,
        height - top - bottom,
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
        id="body",
    )
    document.addPageTemplates(
        [PageTemplate("page", [body], onPage=lambda canvas, _doc: _decorate(frame, canvas))]
    )
    document.build(flowables)
    return output.getvalue()


# --- The submissions -------------------------------------------------------------------------


@dataclass(frozen=True)
class EntriesDrawing:
    """The groups of one middle part of a protocol or a conclusion (templates' `_entries.html`).
    Made in the parent with every word already translated; drawn (`pdf`) in a child."""

    groups: list[tuple[str, Group]]  # (numbering such as "4.1", group)
    labels: dict[str, str]
    decor: Decor
    title: str = ""

    def pdf(self) -> bytes:
        flowables = []
        style = styles()
        for numbering, group in self.groups:
            if not group.continued:
                flowables.append(Text(f"{numbering}. {markup(group.title)}", style["h3"]))
                flowables.append(_note(group.note))
            if group.entries:
                flowables.append(self._table(group))
            else:
                flowables.append(Text(markup(self.labels["none"]), style["none"]))
        return _pdf(self.decor, flowables, self.title)

    def _table(self, group: Group) -> Table:
        style = styles()
        header = [
            Text(markup(self.labels[key]), style["th"])
            for key in ("number", "author", "content", "recommendation")
        ]
        rows = [header] + [self._row(entry) for entry in group.entries]
        padding = 1.4 * mm
        table = Table(
            rows,
            colWidths=_widths(self.decor.page, [22 * mm, 27 * mm, None, 47 * mm], padding),
            repeatRows=1,
            splitByRow=1,
            splitInRow=24,  # a row longer than a page is split in it, never left out
            style=_cell_style(padding),
            hAlign="LEFT",
            spaceBefore=1.5 * mm,
        )
        return table

    def _row(self, entry) -> list:
        style = styles()
        content = [Text(markup(entry.kind.upper()), style["kind"])]
        if entry.about:
            content.append(Text(markup(entry.about), style["small"]))
        content += [Text(text, style["p"]) for text in paragraphs(entry.text)]
        answered = f"<b>{markup(self.labels['answer'])}</b> "
        content += [
            Answer(answered + markup(answer), style["answer_after_answer" if index else "answer"])
            for index, answer in enumerate(entry.answers)
        ]
        if entry.marks:
            marks = style["marks_after_answer" if entry.answers else "marks"]
            content.append(Text(markup(entry.marks), marks))
        return [
            [
                Text(f"<b>{markup(entry.number)}</b><br/>{markup(entry.date)}", style["td"]),
                Text(markup(entry.channel), style["small"]),
            ],
            Text(markup(entry.author), style["td"]),
            content,
            [Text(markup(entry.recommendation), style["verdict"])]
            + [Text(text, style["p"]) for text in paragraphs(entry.reasons)],
        ]


def _note(text: str) -> Paragraph:
    return Text(markup(text), styles()["note"])


# --- The participants ------------------------------------------------------------------------


@dataclass(frozen=True)
class ParticipantsDrawing:
    """One middle part of the annex's list of participants (template `annex.html`), numbered on
    from `offset`."""

    participants: list[Participant]
    offset: int
    labels: list[str]  # the seven column headers
    decor: Decor
    title: str = ""

    def pdf(self) -> bytes:
        style = styles()
        header = [
            Text(markup(label), style["th_right" if column == 0 else "th"])
            for column, label in enumerate(self.labels)
        ]
        rows = [header] + [
            [
                Text(str(self.offset + number), style["td_right"]),
                *(
                    Text(markup(value), style["td"])
                    for value in (
                        person.name,
                        person.identifier,
                        person.address,
                        person.basis,
                        person.identified,
                        ", ".join(person.numbers),
                    )
                ),
            ]
            for number, person in enumerate(self.participants, start=1)
        ]
        padding = 1.5 * mm
        fixed = [9 * mm, None, 30 * mm, None, 40 * mm, 34 * mm, 24 * mm]
        table = Table(
            rows,
            colWidths=_widths(self.decor.page, fixed, padding),
            repeatRows=1,
            splitByRow=1,
            splitInRow=24,
            style=_cell_style(padding),
            hAlign="LEFT",
        )
        return _pdf(self.decor, [table], self.title)


# --- From a part's context -------------------------------------------------------------------


def _footer(context: dict) -> str:
    """The footer's verification note of a registered record (the text of its CSS string)."""
    if not context.get("verification"):
        return ""
    return re.sub(
        r"\\([0-9a-f]+) ", lambda found: chr(int(found[1], 16)), context["footer_note"][1:-1]
    )


def entries_drawing(context: dict) -> EntriesDrawing:
    """A middle part of a protocol or a conclusion, from its template's context. Made in the
    parent, which reads the fonts once for all its children (0.6 s of CPU each time)."""
    styles()
    record, part = context["record"], context["part"]
    return EntriesDrawing(
        groups=[(f"{part.sections_before + 1}.{group.number}", group) for group in record.groups],
        labels={
            "number": _("Reg. No., date"),
            "author": _("Participant"),
            "content": _("Content of the submission"),
            "recommendation": _("Recommendation of the organizer and its reasons"),
            "answer": _("Answer of the experts:"),
            "none": _("No submissions were received from this group."),
        },
        decor=Decor(RECORD_PAGE, draft=_("DRAFT") if record.draft else "", footer=_footer(context)),
        title=context.get("document_title", ""),
    )


def participants_drawing(context: dict) -> ParticipantsDrawing:
    """A middle part of the annex, from its template's context (the fonts read in the parent)."""
    styles()
    return ParticipantsDrawing(
        participants=context["participants"],
        offset=context["part"].offset,
        labels=[
            _("No."),
            _("Full name; for a legal entity, its name"),
            _("Date of birth; OGRN"),
            _("Address of residence; location"),
            _("Basis of participation"),
            _("Identified"),
            _("Submissions"),
        ],
        decor=Decor(
            ANNEX_PAGE,
            draft=_("DRAFT") if context["record"].draft else "",
            footer=_footer(context),
            top_mark=_("Contains personal data. For the organizer only; not to be published."),
        ),
        title=context.get("document_title", ""),
    )


def page_numbers_pdf(page: Page, total: int) -> bytes:
    """`total` empty pages with the footer's "page X of Y" (documents/document.css
    `@bottom-right`), to be laid over the pages of a record made in parts (uncompressed: they
    are taken apart again)."""
    register_fonts()
    output = io.BytesIO()
    canvas = Canvas(output, pagesize=page.size, invariant=1, pageCompression=0)
    _top, right, bottom, _left = page.margins
    for number in range(1, total + 1):
        canvas.setFont(SANS, 8)
        canvas.setFillColor(FOOTER_TEXT)
        canvas.drawRightString(
            page.size[0] - right,
            bottom - FOOTER_BASELINE,
            _("page %(page)s of %(pages)s") % {"page": number, "pages": total},
        )
        canvas.showPage()
    canvas.save()
    return output.getvalue()
