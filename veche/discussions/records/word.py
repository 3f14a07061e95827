"""The protocol and the conclusion as DOCX, for officials of the organizer to edit: the same
content as the PDF (`content.Record`), laid out as an official record in Word."""

import copy
import functools
import io
import re
from collections.abc import Callable

import docx
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from veche.discussions.models import Discussion
from veche.discussions.records.content import (
    RESULTS_OF,
    Group,
    Record,
    conclusion_record,
    protocol_record,
)
from veche.discussions.records.drawing import CONTROL
from veche.discussions.records.parts import Progress, no_progress
from veche.discussions.records.votes import advisory_note

FONT = "Times New Roman"
TEXT_WIDTH = Cm(16.5)  # A4 less the margins of GOST R 7.0.97: 3 cm left, 1.5 cm right
PROGRESS_ROWS = 500
# Besides the control characters, the two non-characters XML forbids: lxml refuses any of them
# ("All strings must be XML compatible"), and a resident's text may carry one.
NONCHARACTERS = re.compile("[\ufffe\uffff]")


def xml_text(text) -> str:
    """Text as a DOCX can hold it: without what XML cannot say, which the PDF drops as well
    (records/drawing.py), rather than no copy at all."""
    return NONCHARACTERS.sub("", CONTROL.sub("", str(text)))


@functools.cache
def _run_prototype(bold: bool):
    """A run of 10 pt, bold or not, without text: copied for every line of a table."""
    run = OxmlElement("w:r")
    properties = OxmlElement("w:rPr")
    weight = OxmlElement("w:b")
    if not bold:
        weight.set(qn("w:val"), "0")
    size = OxmlElement("w:sz")
    size.set(qn("w:val"), "20")
    properties.append(weight)
    properties.append(size)
    run.append(properties)
    return run


class Writer:
    """A document being written: paragraphs and tables in the house style of the records."""

    def __init__(self, title: str):
        self.document = docx.Document()
        self.document.core_properties.title = xml_text(title)
        self.document.core_properties.author = "Veche"
        section = self.document.sections[0]
        section.page_width, section.page_height = Cm(21), Cm(29.7)
        section.left_margin, section.right_margin = Cm(3), Cm(1.5)
        section.top_margin, section.bottom_margin = Cm(2), Cm(2)
        normal = self.document.styles["Normal"]
        normal.font.name, normal.font.size = FONT, Pt(12)
        normal.paragraph_format.space_after = Pt(3)

    def paragraph(self, text: str = "", *, bold=False, size=None, align=None, italic=False):
        paragraph = self.document.add_paragraph()
        text = xml_text(text)
        if text:
            run = paragraph.add_run(text)
            run.bold, run.italic = bold, italic
            if size:
                run.font.size = Pt(size)
        if align == "center":
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        elif align == "justify":
            paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        elif align == "right":
            paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        return paragraph

    def heading(self, text: str):
        paragraph = self.paragraph(text, bold=True)
        paragraph.paragraph_format.space_before = Pt(9)
        paragraph.paragraph_format.keep_with_next = True
        return paragraph

    def spread(self, left: str, right: str, *, bold_right=False):
        """One line with text at the left and at the right margin (date and number)."""
        paragraph = self.document.add_paragraph()
        paragraph.paragraph_format.tab_stops.add_tab_stop(TEXT_WIDTH, WD_TAB_ALIGNMENT.RIGHT)
        paragraph.add_run(f"{xml_text(left)}\t")
        paragraph.add_run(xml_text(right)).bold = bold_right
        return paragraph

    def table(
        self,
        header: list[str] | None,
        rows: list[list[str]],
        widths: list[float],
        progress: Callable[[int], None] | None = None,
    ):
        table = self.document.add_table(rows=0, cols=len(widths))
        table.style = "Table Grid"
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        if header:
            self._row(table, header, widths, bold=True)
            # The header row repeats on every page the table runs over.
            row_properties = table.rows[0]._tr.get_or_add_trPr()
            repeat = OxmlElement("w:tblHeader")
            repeat.set(qn("w:val"), "true")
            row_properties.append(repeat)
        for number, values in enumerate(rows, start=1):
            self._row(table, values, widths, bold=False)
            if progress and number % PROGRESS_ROWS == 0:
                progress(number)
        self.paragraph()
        return table

    @staticmethod
    def _row(table, values: list[str], widths: list[float], *, bold: bool) -> None:
        """One row, as python-docx's cells and runs would write it (each line a run of 10 pt,
        a break between lines), made straight in XML: python-docx looks up where every element
        goes, which for the ten thousand rows of a hearing takes most of the time."""
        row = OxmlElement("w:tr")
        for value, width in zip(values, widths, strict=True):
            cell = OxmlElement("w:tc")
            properties = OxmlElement("w:tcPr")
            cell_width = OxmlElement("w:tcW")
            cell_width.set(qn("w:type"), "dxa")
            cell_width.set(qn("w:w"), str(Cm(width).twips))
            properties.append(cell_width)
            cell.append(properties)
            paragraph = OxmlElement("w:p")
            paragraph.append(OxmlElement("w:r"))  # what python-docx leaves of the cell's text
            lines = xml_text(value).split("\n")
            for number, line in enumerate(lines):
                run = copy.deepcopy(_run_prototype(bold))
                for piece_number, piece in enumerate(line.split("\t")):
                    if piece_number:
                        run.append(OxmlElement("w:tab"))
                    if piece:
                        text = OxmlElement("w:t")
                        text.text = piece
                        if piece != piece.strip():
                            text.set(qn("xml:space"), "preserve")
                        run.append(text)
                if number < len(lines) - 1:
                    run.append(OxmlElement("w:br"))
                paragraph.append(run)
            cell.append(paragraph)
            row.append(cell)
        table._tbl.append(row)

    def content(self) -> bytes:
        buffer = io.BytesIO()
        self.document.save(buffer)
        return buffer.getvalue()


def _head(writer: Writer, record: Record, title: str, subtitle: str) -> None:
    if record.draft:
        writer.paragraph(_("DRAFT"), bold=True, size=14, align="center")
    for line in record.heading:
        writer.paragraph(line.upper(), bold=True, align="center")
    for _name, contacts in record.organizer:
        writer.paragraph(contacts, size=9, align="center")
    writer.paragraph()
    writer.paragraph(title.upper(), bold=True, size=14, align="center")
    writer.paragraph(subtitle, bold=True, align="center")
    writer.spread(record.date, _("No. %(number)s") % {"number": record.number}, bold_right=True)


def _groups(writer: Writer, groups: list[Group], progress: Progress = no_progress) -> None:
    header = [
        _("Reg. No., date"),
        _("Participant"),
        _("Content of the submission"),
        _("Recommendation of the organizer and its reasons"),
    ]
    done, total = 0, sum(len(group.entries) for group in groups)
    for number, group in enumerate(groups, start=1):
        writer.heading(f"4.{number}. {group.title}")
        writer.paragraph(group.note, size=10, italic=True)
        if not group.entries:
            writer.paragraph(_("No submissions were received from this group."), italic=True)
            continue
        rows = []
        for entry in group.entries:
            content = "\n".join(
                [entry.kind.upper(), *([entry.about] if entry.about else []), entry.text]
                + [f"{_('Answer of the experts:')} {answer}" for answer in entry.answers]
                + ([entry.marks] if entry.marks else [])
            )
            rows.append(
                [
                    f"{entry.number}\n{entry.date}\n{entry.channel}",
                    entry.author,
                    content,
                    f"{entry.recommendation}\n{entry.reasons}".strip(),
                ]
            )
        writer.table(
            header, rows, [2.6, 3.0, 6.4, 4.5], lambda rows, done=done: progress(done + rows, total)
        )
        done += len(group.entries)
        progress(done, total)


def _statistics(writer: Writer, record: Record) -> None:
    statistics = record.statistics
    writer.paragraph(_("Participants and submissions"), bold=True, size=10)
    writer.table(
        ["", _("participants"), _("submissions")],
        [[label.capitalize(), str(p), str(s)] for label, p, s in statistics.group_rows()]
        + [[_("In all"), str(statistics.participants), str(statistics.submissions)]],
        [10.5, 3, 3],
    )
    for caption, rows in (
        (_("Participants by territory"), statistics.territory_rows()),
        (_("Participants by age group"), statistics.age_rows()),
        (_("Submissions by kind"), statistics.kind_rows()),
        (_("Submissions by outcome"), statistics.outcome_rows()),
    ):
        writer.paragraph(caption, bold=True, size=10)
        writer.table(
            None, [[label[:1].upper() + label[1:], str(count)] for label, count in rows], [13, 3.5]
        )


def _votes(writer: Writer, record: Record) -> None:
    writer.heading(f"6. {_('Advisory vote results')}")
    writer.paragraph(advisory_note(), align="justify")
    for number, vote in enumerate(record.votes, start=1):
        writer.paragraph(f"6.{number}. {vote.question} ({vote.kind})", bold=True, size=10)
        writer.paragraph(vote.turnout, size=10)
        writer.table(None, [[label, value] for label, value in vote.rows], [11, 5.5])
        if vote.note:
            writer.paragraph(vote.note, size=10)


def _signature(writer: Writer, record: Record, note: str) -> None:
    writer.paragraph()
    if record.signatory:
        writer.paragraph(note, size=9)
    title = record.signatory.title if record.signatory else _("Organizer")
    name = record.signatory.name if record.signatory else "____________________"
    writer.spread(title, f"_______________  {name}")


def _code_note(writer: Writer, code: str) -> None:
    if code:
        writer.paragraph(
            _(
                "Copy for editing. The document is the PDF registered on the Veche platform "
                "under the verification code %(code)s (%(url)s)."
            )
            % {"code": code, "url": settings.SITE_URL + reverse("documents:document", args=[code])},
            size=9,
            italic=True,
        )


def protocol_docx(discussion: Discussion, progress: Progress = no_progress) -> bytes:
    """The protocol (a draft until it is signed) for editing by officials."""
    with translation.override(settings.LANGUAGE_CODE):
        record = protocol_record(discussion, draft=discussion.protocol_signed_at is None)
        statistics = record.statistics
        writer = Writer(f"{_('Protocol')} {record.kind_of} «{discussion.title}»")
        _head(
            writer,
            record,
            _("Protocol"),
            _("%(kind_of)s on the project «%(title)s»")
            % {"kind_of": record.kind_of, "title": discussion.title},
        )
        writer.heading(f"1. {_('Organizer')}")
        for name, contacts in record.organizer:
            writer.paragraph(f"{name}; {contacts}.", align="justify")
        writer.heading(f"2. {_('Notice of the discussion')}")
        writer.paragraph(
            _("The notice was %(source)s.") % {"source": record.notice_source}
            + " "
            + _("Its content:"),
            align="justify",
        )
        writer.table(None, [[label, value] for label, value in record.notice], [4.5, 12])
        writer.heading(f"3. {_('Period of intake and territory')}")
        writer.paragraph(
            _(
                "Proposals and remarks were taken %(period)s. Territory within which the "
                "discussion was held: %(territory)s."
            )
            % {"period": record.intake, "territory": record.territory},
            align="justify",
        )
        writer.heading(f"4. {_('Proposals, remarks and questions of the participants')}")
        writer.paragraph(
            ngettext(
                "One submission was registered. It is listed below with the organizer's "
                "recommendation.",
                "%(count)s submissions were registered. All of them are listed below, each "
                "with the organizer's recommendation, split into those of residents of the "
                "territory and those of other participants.",
                statistics.submissions,
            )
            % {"count": statistics.submissions}
            + " "
            + _(
                "Natural persons, individual entrepreneurs included, are named by their "
                "participant number, legal entities by their name; the participants' "
                "identification data are in the annex."
            ),
            align="justify",
        )
        _groups(writer, record.groups, progress)
        section = 5
        if record.meeting:
            writer.heading(f"{section}. {_('Meeting of participants')}")
            writer.table(None, [list(fact) for fact in record.meeting.facts], [4.5, 12])
            for paragraph in record.meeting.minutes.split("\n\n"):
                if paragraph.strip():
                    writer.paragraph(paragraph.strip(), align="justify")
            section += 1
        writer.heading(f"{section}. {_('Statistics')}")
        _statistics(writer, record)
        if record.votes:
            _votes(writer, record)
        writer.paragraph(
            _(
                "Annex: list of the participants with their identification data (full name, "
                "date of birth, address; for legal entities name, OGRN and address). Kept by "
                "the organizer; not published."
            ),
            size=10,
        )
        _signature(
            writer,
            record,
            _("Signed off on the Veche platform on %(date)s by %(name)s.")
            % {"date": record.date, "name": record.signatory.name if record.signatory else ""},
        )
        _code_note(writer, discussion.protocol_code)
        return writer.content()


def conclusion_docx(discussion: Discussion, progress: Progress = no_progress) -> bytes:
    """The conclusion (a draft until it is published) for editing by officials."""
    with translation.override(settings.LANGUAGE_CODE):
        record = conclusion_record(discussion)
        statistics = record.statistics
        writer = Writer(f"{_('Conclusion')} «{discussion.title}»")
        _head(
            writer,
            record,
            _("Conclusion"),
            _("%(results_of)s on the project «%(title)s»")
            % {"results_of": RESULTS_OF[discussion.kind], "title": discussion.title},
        )
        writer.heading(f"1. {_('Project')}")
        writer.paragraph(
            f"«{discussion.title}» — {discussion.get_subject_display()}. "
            + _("Territory: %(territory)s.") % {"territory": record.territory}
        )
        for name, _contacts in record.organizer:
            writer.paragraph(_("Organizer: %(name)s.") % {"name": name})
        writer.heading(f"2. {_('Participants')}")
        writer.paragraph(
            ngettext(
                "One participant took part and sent %(submissions)s submission(s) %(period)s.",
                "%(count)s participants took part and sent %(submissions)s submission(s) "
                "%(period)s.",
                statistics.participants,
            )
            % {
                "count": statistics.participants,
                "submissions": statistics.submissions,
                "period": record.intake,
            }
        )
        writer.heading(f"3. {_('Protocol')}")
        writer.paragraph(
            _("The conclusion is drawn up on the basis of the %(requisites)s.")
            % {"requisites": record.protocol_requisites}
        )
        writer.heading(
            "4. " + _("Proposals and remarks, and the organizer's reasoned recommendations")
        )
        _groups(writer, record.groups, progress)
        writer.paragraph(_("Outcome"), bold=True, size=10)
        writer.table(
            None,
            [
                [label[:1].upper() + label[1:], str(count)]
                for label, count in record.statistics.outcome_rows()
            ]
            + [[_("In all"), str(statistics.submissions)]],
            [13, 3.5],
        )
        writer.heading(f"5. {_('Conclusions')}")
        for paragraph in (record.conclusions or _("To be written by the organizer.")).split("\n"):
            if paragraph.strip():
                writer.paragraph(paragraph.strip(), align="justify")
        _signature(
            writer,
            record,
            _("Published on the Veche platform (%(url)s) on %(date)s by %(name)s.")
            % {
                "url": settings.SITE_URL,
                "date": record.date,
                "name": record.signatory.name if record.signatory else "",
            },
        )
        _code_note(writer, discussion.conclusion_code)
        return writer.content()
