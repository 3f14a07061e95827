"""The dashboard's rows as CSV and XLSX: the same columns, in the order the page shows them.

Values stay typed (numbers, dates, yes/no) until a format writes them: CSV as text, XLSX as
cells Excel can sort and sum. Text a spreadsheet would run as a formula is kept as text."""

import csv
import datetime
import io
from collections.abc import Callable
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from veche.core.spreadsheets import inert
from veche.reporting.queries import DashboardRow


@dataclass(frozen=True)
class Column:
    header: str
    value: Callable[[DashboardRow], object]
    width: int = 14


def _local_day(row: DashboardRow, moment: datetime.datetime | None) -> datetime.date | None:
    return row.discussion.local_date(moment) if moment else None


def _local_time(row: DashboardRow, moment: datetime.datetime | None):
    # Spreadsheets know no time zones: the discussion's own clock, as its pages show it.
    if moment is None:
        return None
    return moment.astimezone(row.discussion.zone).replace(tzinfo=None, microsecond=0)


COLUMNS = (
    Column(_("No."), lambda row: row.discussion.pk, 8),
    Column(_("Title"), lambda row: row.discussion.title, 60),
    Column(_("Form"), lambda row: row.discussion.get_kind_display(), 20),
    Column(_("Subject"), lambda row: row.discussion.get_subject_display(), 30),
    Column(_("Territory"), lambda row: row.discussion.territory.title, 24),
    Column(_("Organizer"), lambda row: row.discussion.organizer.title, 36),
    Column(_("Stage"), lambda row: row.stage_label, 22),
    Column(_("Notice"), lambda row: row.discussion.notice_date),
    Column(_("Exposition opens"), lambda row: row.discussion.exposition_start),
    Column(_("Exposition closes"), lambda row: row.discussion.exposition_end),
    Column(_("Intake opens"), lambda row: row.discussion.intake_start),
    Column(_("Intake closes"), lambda row: row.discussion.intake_end),
    Column(_("Protocol due"), lambda row: row.discussion.protocol_due),
    Column(_("Protocol signed"), lambda row: _local_day(row, row.discussion.protocol_signed_at)),
    Column(_("Conclusion due"), lambda row: row.discussion.conclusion_due),
    Column(
        _("Conclusion published"),
        lambda row: _local_day(row, row.discussion.conclusion_published_at),
    ),
    Column(_("Submissions"), lambda row: row.submissions),
    Column(_("Participants"), lambda row: row.participants),
    Column(_("Without recommendation"), lambda row: row.unreviewed),
    Column(_("Questions waiting"), lambda row: row.questions_waiting),
    Column(_("Oldest waiting since"), lambda row: _local_time(row, row.oldest_waiting_since), 18),
    Column(_("Questions overdue"), lambda row: row.questions_overdue),
    Column(_("Protocol overdue"), lambda row: row.protocol_overdue),
    Column(_("Conclusion overdue"), lambda row: row.conclusion_overdue),
)


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    if isinstance(value, datetime.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return inert(str(value))


def write_csv(rows: list[DashboardRow], links: list[str]) -> bytes:
    """UTF-8 with a byte order mark, so that Excel reads Cyrillic right when opening it."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([str(column.header) for column in COLUMNS] + [gettext("Page")])
    for row, link in zip(rows, links, strict=True):
        writer.writerow([_text(column.value(row)) for column in COLUMNS] + [link])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def write_xlsx(rows: list[DashboardRow], links: list[str]) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(gettext("Discussions"))
    headers = [*COLUMNS, Column(_("Page"), lambda row: "", 40)]
    for number, column in enumerate(headers, start=1):
        sheet.column_dimensions[get_column_letter(number)].width = column.width
    sheet.freeze_panes = "C2"
    bold = Font(bold=True)
    header_cells = []
    for column in headers:
        cell = WriteOnlyCell(sheet, value=str(column.header))
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    for row, link in zip(rows, links, strict=True):
        cells = [_cell(sheet, column.value(row)) for column in COLUMNS]
        cell = WriteOnlyCell(sheet, value=link)
        cell.hyperlink = link
        sheet.append([*cells, cell])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _cell(sheet, value: object) -> WriteOnlyCell:
    if isinstance(value, Promise):  # a translated label
        value = str(value)
    if isinstance(value, str):
        cell = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("", value))
        cell.data_type = "s"  # never a formula, whatever the text starts with
        return cell
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, datetime.datetime):
        cell.number_format = "yyyy-mm-dd hh:mm"
    elif isinstance(value, datetime.date):
        cell.number_format = "yyyy-mm-dd"
    return cell
