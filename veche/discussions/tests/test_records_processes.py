"""The parts of a big record laid out side by side in child processes (records/processes.py)."""

import io
import multiprocessing
import os
import re
import signal

import pytest
from pypdf import PdfReader

from veche.discussions import records, services
from veche.discussions.models import RecordBuild
from veche.discussions.records import processes
from veche.discussions.tests.building import run_builds
from veche.discussions.tests.records_cast import reviewed_discussion

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english_documents")]


@pytest.fixture
def in_parts_of_two(monkeypatch):
    """Seven submissions in parts of two: four parts."""
    monkeypatch.setattr("veche.discussions.records.pdf.PART_ROWS", 2)


def test_parts_laid_out_side_by_side_give_the_bytes_of_one_after_another(in_parts_of_two, settings):
    discussion = reviewed_discussion()
    settings.VECHE_RECORDS_PROCESSES = 1
    one_by_one = records.draft_protocol_pdf(discussion)
    settings.VECHE_RECORDS_PROCESSES = 3
    side_by_side = records.draft_protocol_pdf(discussion)
    assert side_by_side == one_by_one
    assert len(PdfReader(io.BytesIO(side_by_side)).pages) >= 4
    assert multiprocessing.active_children() == []


def test_the_progress_advances_as_each_part_is_laid_out(in_parts_of_two, settings):
    settings.VECHE_RECORDS_PROCESSES = 2
    seen = []
    records.draft_protocol_pdf(reviewed_discussion(), lambda done, total: seen.append(done))
    # Four parts of 2, 2, 2 and 1 rows, reported as each finishes (in any order).
    assert len(seen) == 4 and seen == sorted(seen) and seen[-1] == 7
    assert seen[0] in (1, 2)


def _fails_in_a_child(how):
    parent = os.getpid()
    real = processes.html_to_pdf

    def lay_out(html, **kwargs):
        if os.getpid() != parent:
            how()
        return real(html, **kwargs)

    return lay_out


def _killed():
    os.kill(os.getpid(), signal.SIGKILL)  # as the kernel does when memory runs out


def _broken():
    raise ValueError("no such font")


@pytest.mark.parametrize(
    ("how", "error"), [(_broken, "ValueError: no such font"), (_killed, "ended with -9")]
)
def test_a_part_that_fails_fails_the_build_which_can_be_prepared_again(
    in_parts_of_two, settings, monkeypatch, how, error
):
    settings.VECHE_RECORDS_PROCESSES = 2
    discussion = reviewed_discussion()
    user = discussion.created_by
    monkeypatch.setattr(processes, "html_to_pdf", _fails_in_a_child(how))
    services.request_record(user=user, discussion=discussion, kind="draft_protocol")
    assert run_builds() == ["failed"]
    failed = RecordBuild.objects.get()
    assert failed.state == RecordBuild.State.FAILED and not failed.file
    assert "PartFailed: part " in failed.error and error in failed.error
    assert multiprocessing.active_children() == []  # the other parts' children were stopped

    monkeypatch.undo()
    monkeypatch.setattr("veche.discussions.records.pdf.PART_ROWS", 2)
    again = services.request_record(user=user, discussion=discussion, kind="draft_protocol")
    assert again.pk != failed.pk
    assert run_builds() == ["built"]
    again.refresh_from_db()
    assert again.state == RecordBuild.State.DONE and again.done == again.total == 7
    with again.file.open("rb") as handle:
        assert handle.read().startswith(b"%PDF")


def test_one_process_per_core_unless_the_setting_says_otherwise(settings):
    settings.VECHE_RECORDS_PROCESSES = 0
    assert processes.process_count() == len(os.sched_getaffinity(0))
    settings.VECHE_RECORDS_PROCESSES = 3
    assert processes.process_count() == 3


@pytest.mark.parametrize("document", ["draft_protocol_pdf", "annex_pdf"])
def test_the_pages_are_numbered_through(in_parts_of_two, monkeypatch, settings, document):
    settings.VECHE_RECORDS_PROCESSES = 2
    monkeypatch.setattr("veche.discussions.records.pdf.ANNEX_PART_ROWS", 2)
    pages = PdfReader(io.BytesIO(getattr(records, document)(reviewed_discussion()))).pages
    assert len(pages) >= 3
    for number, page in enumerate(pages, start=1):
        assert re.findall(r"page \d+ of \d+", page.extract_text()) == [
            f"page {number} of {len(pages)}"
        ]


def test_a_record_of_up_to_two_parts_is_drawn_in_one_piece(monkeypatch):
    discussion = reviewed_discussion()  # seven submissions
    whole = records.draft_protocol_pdf(discussion)
    monkeypatch.setattr("veche.discussions.records.pdf.PART_ROWS", 4)
    seen = []
    assert records.draft_protocol_pdf(discussion, lambda *done: seen.append(done)) == whole
    assert seen == [(1, 1)]


def _made_by_hand(title: str, *texts: str) -> bytes:
    """A PDF of one page per text, as a part's would be."""
    from reportlab.pdfgen.canvas import Canvas

    output = io.BytesIO()
    canvas = Canvas(output, invariant=1)
    canvas.setTitle(title)
    for text in texts:
        canvas.drawString(72, 720, text)
        canvas.showPage()
    canvas.save()
    return output.getvalue()


def test_the_parts_are_joined_in_order_numbered_through_with_the_first_ones_title():
    from veche.discussions.records.drawing import RECORD_PAGE
    from veche.discussions.records.parts import joined

    parts = [
        _made_by_hand("The record", "first A"),
        _made_by_hand("A part", "second A", "second B"),
        _made_by_hand("Another", "third A"),
    ]
    pdf = joined(parts, RECORD_PAGE)
    assert joined(parts, RECORD_PAGE) == pdf  # the same parts, the same bytes
    reader = PdfReader(io.BytesIO(pdf))
    assert reader.metadata.title == "The record"
    texts = [page.extract_text() for page in reader.pages]
    assert [text.split("\n")[0] for text in texts] == ["first A", "second A", "second B", "third A"]
    for number, text in enumerate(texts, start=1):
        assert re.findall(r"page \d+ of \d+", text) == [f"page {number} of 4"]


def test_a_record_joined_from_parts_is_a_well_formed_pdf(in_parts_of_two, settings):
    """qpdf reads it without repairing anything (every stream an indirect object, as the PDF
    standard says), with the first part's title, producer and language."""
    import pikepdf

    settings.VECHE_RECORDS_PROCESSES = 2
    discussion = reviewed_discussion()
    with pikepdf.open(io.BytesIO(records.draft_protocol_pdf(discussion))) as pdf:
        assert pdf.check_pdf_syntax() == []
        assert pdf.get_warnings() == []
        assert str(pdf.docinfo.Title).startswith("Draft protocol")
        assert str(pdf.docinfo.Producer).startswith("WeasyPrint")
        assert str(pdf.Root.Lang) == "en"
        assert len(pdf.pages) >= 4


class _Pid:
    """A part drawn by a stand-in: the number of the process that drew it."""

    def pdf(self) -> bytes:
        return str(os.getpid()).encode()


def test_many_parts_take_no_more_children_than_processes_and_weasyprint_ends_its_child(
    settings, monkeypatch
):
    """Forty parts in two children, not forty (a child costs a tenth of a second to fork and to
    copy the pages it touches); a part laid out by WeasyPrint in a child of its own."""
    monkeypatch.setattr(processes, "html_to_pdf", lambda html, **kwargs: str(os.getpid()).encode())
    pages = ["<p>first</p>", *(_Pid() for _ in range(38)), "<p>last</p>"]
    seen = []
    made = processes.lay_out(
        iter(pages), len(pages), base_url="/", identifier="", done=seen.append, processes=2
    )
    assert sorted(seen) == list(range(40))
    drawn_by = set(made[1:39])
    assert len(drawn_by) <= 2 and os.getpid() not in {int(pid) for pid in drawn_by}
    assert made[0] not in drawn_by and made[39] not in drawn_by
    assert multiprocessing.active_children() == []
