"""CSV and XLSX exports hold exactly the filtered rows, read back as a spreadsheet would."""

import csv
import datetime
import io

import openpyxl
import pytest
from django.utils import timezone

from tests.factories import make_discussion, make_user
from tests.sign_in import enter
from veche.discussions.models import Submission
from veche.reporting.exports import COLUMNS
from veche.reporting.tests.builders import (
    CSV,
    DASHBOARD,
    XLSX,
    add_submission,
    overdue_protocol,
    rows_of,
)

# Made relative to today, checked against today: within one day (conftest.py).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("one_city_day")]
ENGLISH = {"accept-language": "en"}


@pytest.fixture
def admin(client):
    enter(client, make_user(is_staff=True))
    return client


@pytest.fixture
def two_discussions():
    late = overdue_protocol(title="Проект планировки квартала 12", kind="hearing")
    add_submission(late)
    add_submission(late, kind=Submission.Kind.QUESTION, hours_ago=100)
    fine = make_discussion(stage="intake", title="Правила благоустройства")
    return late, fine


def read_csv(response) -> list[dict]:
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")  # so that Excel reads Cyrillic right
    return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))


def read_xlsx(response) -> list[dict]:
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    header, *rows = sheet.iter_rows(values_only=True)
    return [dict(zip(header, row, strict=True)) for row in rows]


def test_the_csv_holds_the_filtered_rows_with_their_counts_and_flags(admin, two_discussions):
    late, _fine = two_discussions
    response = admin.get(CSV, {"problems": "on"}, headers=ENGLISH)
    assert response["Content-Disposition"].startswith('attachment; filename="discussions-')
    rows = read_csv(response)
    assert len(rows) == 1
    row = rows[0]
    assert row["No."] == str(late.pk)
    assert row["Title"] == "Проект планировки квартала 12"
    assert row["Form"] == "public hearing"
    assert row["Stage"] == "review of submissions"
    assert row["Protocol due"] == late.protocol_due.isoformat()
    assert row["Protocol signed"] == ""
    assert (row["Submissions"], row["Without recommendation"]) == ("2", "2")
    assert (row["Questions waiting"], row["Questions overdue"]) == ("1", "1")
    assert (row["Protocol overdue"], row["Conclusion overdue"]) == ("yes", "no")
    assert row["Page"] == f"http://testserver{late.get_absolute_url()}"


def test_the_export_has_the_same_rows_as_the_page(admin, two_discussions):
    page = rows_of(admin.get(DASHBOARD, {"stage": "intake"}))
    exported = read_csv(admin.get(CSV, {"stage": "intake"}, headers=ENGLISH))
    assert {int(row["No."]) for row in exported} == set(page)
    assert len(exported) == 1


def test_the_xlsx_keeps_numbers_dates_and_flags_typed(admin, two_discussions):
    late, fine = two_discussions
    response = admin.get(XLSX, headers=ENGLISH)
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    rows = {row["No."]: row for row in read_xlsx(response)}
    assert set(rows) == {late.pk, fine.pk}
    row = rows[late.pk]
    assert row["Title"] == "Проект планировки квартала 12"
    assert row["Submissions"] == 2
    assert row["Protocol due"] == datetime.datetime.combine(late.protocol_due, datetime.time())
    assert row["Protocol overdue"] is True
    assert rows[fine.pk]["Protocol overdue"] is False
    oldest = late.submissions.get(kind=Submission.Kind.QUESTION).created_at
    local = oldest.astimezone(late.zone).replace(tzinfo=None, microsecond=0)
    assert row["Oldest waiting since"] == local


def test_both_formats_have_the_same_columns(admin, two_discussions):
    csv_header = list(read_csv(admin.get(CSV, headers=ENGLISH))[0])
    xlsx_header = list(read_xlsx(admin.get(XLSX, headers=ENGLISH))[0])
    assert csv_header == xlsx_header
    assert len(csv_header) == len(COLUMNS) + 1  # and the link to the page


def test_a_title_a_spreadsheet_would_run_as_a_formula_stays_text(admin):
    make_discussion(title='=HYPERLINK("http://evil.example","click")')
    csv_title = read_csv(admin.get(CSV))[0]
    assert list(csv_title.values())[1] == '\'=HYPERLINK("http://evil.example","click")'
    sheet = openpyxl.load_workbook(io.BytesIO(admin.get(XLSX).content)).active
    cell = sheet.cell(row=2, column=2)
    assert cell.data_type == "s"
    assert cell.value == '=HYPERLINK("http://evil.example","click")'


def test_an_empty_selection_exports_the_header_only(admin):
    make_discussion(stage="intake")
    assert read_csv(admin.get(CSV, {"stage": "review"})) == []
    assert read_xlsx(admin.get(XLSX, {"stage": "review"})) == []


def test_the_file_is_named_by_the_day(admin):
    response = admin.get(XLSX)
    assert f"discussions-{timezone.localdate():%Y-%m-%d}.xlsx" in response["Content-Disposition"]
