"""The parts of a big record drawn by reportlab between the first and the last (records/drawing.py):
every submission once and in order, the header row on every page of the table, the groups'
headings, residents' texts said literally, and a drawing that fails failing the build cleanly."""

import io
import multiprocessing
import os
import re

import pytest
from django.template.defaultfilters import linebreaks
from django.utils import translation
from pypdf import PdfReader

from veche.discussions import records
from veche.discussions.models import Submission
from veche.discussions.records import drawing, processes
from veche.discussions.records.content import annex_of, protocol_record
from veche.discussions.tests.records_cast import add_submission, pdf_text, reviewed_discussion

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english_documents")]

HEADER = "Reg. No., date"
MARKUP = "<b>не жирный</b> & <font name=x size=40>шрифт</font> <i>незакрытый <para"
LONG_WORD = "Водонепроницаемость" * 40  # 760 letters without a space
ASTRAL = "Дерево 🌳 и 𝔘𝔫𝔦𝔠𝔬𝔡𝔢"
CONTROL = "Звонок\x07 и\x0b вертикальная\x1b табуляция"
LINES = "Абзац один.\n\nАбзац два,\nего вторая строка.\r\nИ третья."
LONG_TEXT = "\n".join(f"Строка {number} длинного предложения." for number in range(1, 161))


def _hostile(discussion) -> None:
    """Five submissions after the seven of the cast: three of residents (drawn by reportlab), two
    of right holders (the last part, laid out by WeasyPrint)."""
    for text, basis in [
        (MARKUP, Submission.Basis.RESIDENT),
        (LONG_WORD + "\n" + ASTRAL + "\n" + CONTROL, Submission.Basis.RESIDENT),
        (LONG_TEXT, Submission.Basis.RESIDENT),
        (LINES, Submission.Basis.OWNER),
        ("Последнее предложение.", Submission.Basis.OWNER),
    ]:
        add_submission(discussion, key="morozova", basis=basis, text=text, reason=MARKUP)


@pytest.fixture
def big(monkeypatch, settings):
    """Twelve submissions in parts of two: a first and a last part laid out by WeasyPrint, four
    drawn by reportlab, the second group starting a drawn part."""
    monkeypatch.setattr("veche.discussions.records.pdf.PART_ROWS", 2)
    settings.VECHE_RECORDS_PROCESSES = 2
    discussion = reviewed_discussion()
    _hostile(discussion)
    return discussion


def _drawn(monkeypatch) -> list:
    """Record the drawings made, as the parent makes them."""
    made = []
    real = drawing.entries_drawing

    def entries_drawing(context):
        made.append(real(context))
        return made[-1]

    monkeypatch.setattr("veche.discussions.records.pdf.entries_drawing", entries_drawing)
    return made


def test_a_big_record_has_every_submission_once_in_order_under_its_groups(big, monkeypatch):
    made = _drawn(monkeypatch)
    pdf = records.draft_protocol_pdf(big)
    with translation.override("en"):
        record = protocol_record(big, draft=True)
    expected = [entry.number for group in record.groups for entry in group.entries]
    assert len(expected) == 12 and len(made) == 4
    drawn = [entry.number for part in made for _n, group in part.groups for entry in group.entries]
    assert drawn == expected[2:-2]  # the first and the last two were laid out by WeasyPrint
    text = pdf_text(pdf)
    assert re.findall(rf"\b{big.pk}-\d{{4}}\b", text) == expected
    assert text.count("4.1. Residents of the territory") == 1
    assert text.count("4.2. Other participants") == 1  # a drawn part starts with it
    assert [(n, group.continued) for part in made for n, group in part.groups] == [
        ("4.1", True),
        ("4.1", True),
        ("4.1", True),
        ("4.2", False),
    ]
    assert "5. Statistics" in text and text.count("DRAFT A working copy") == 1


def test_each_page_of_the_table_repeats_its_header_row(big):
    pages = [
        page.extract_text() for page in PdfReader(io.BytesIO(records.draft_protocol_pdf(big))).pages
    ]
    numbers = re.compile(rf"\b{big.pk}-\d{{4}}\b")
    with_rows = [index for index, text in enumerate(pages) if numbers.search(text)]
    table = pages[with_rows[0] : with_rows[-1] + 1]
    assert len(table) > len(with_rows)  # the row longer than a page goes on over pages of its own
    for text in table:
        assert HEADER in " ".join(text.split())
    for number, text in enumerate(pages, start=1):
        assert re.findall(r"page \d+ of \d+", text) == [f"page {number} of {len(pages)}"]


def test_residents_texts_are_drawn_literally(big):
    text = pdf_text(records.draft_protocol_pdf(big))
    # WeasyPrint may break a line after "</": the text without spaces.
    unspaced = "".join(text.split())
    assert unspaced.count("".join(MARKUP.split())) == 1 + 5  # a text and five reasons
    assert LONG_WORD in unspaced  # broken across lines, not cut off
    assert "Абзац один. Абзац два, его вторая строка. И третья." in text
    assert "Звонок и вертикальная табуляция" in text
    assert "Дерево \ufffd и \ufffd\ufffd" in text  # a mark where DejaVu has no glyph
    for line in LONG_TEXT.splitlines():  # a row longer than a page goes on to the next one
        assert text.count(line) == 1


@pytest.mark.parametrize("text", [MARKUP, LINES, LONG_TEXT, "", "\n\n\n", "a\r\rb\r\nc\n"])
def test_texts_are_split_into_paragraphs_as_the_templates_split_them(text):
    made = [f"<p>{part}</p>".replace("<br/>", "<br>") for part in drawing.paragraphs(text)]
    assert "\n\n".join(made) == linebreaks(text, autoescape=True)


def test_a_text_becomes_markup_that_says_it_and_nothing_else():
    said = drawing.markup(MARKUP + "\r\n" + CONTROL + ASTRAL)
    assert "<" not in said.replace("<br/>", "") and ">" not in said.replace("<br/>", "")
    assert said.count("<br/>") == 1 and not re.search("[\x00-\x08\x0b-\x1f]", said)
    unescaped = said.replace("<br/>", "\n").replace("&lt;", "<").replace("&gt;", ">")
    without_controls = re.sub("[\x00-\x08\x0b-\x1f]", "", CONTROL)
    astral = "".join("\ufffd" if ord(letter) > 0xFFFF else letter for letter in ASTRAL)
    assert unescaped.replace("&amp;", "&") == f"{MARKUP}\n{without_controls}{astral}"


def test_a_drawing_that_fails_fails_the_record_with_its_part(big, monkeypatch):
    parent = os.getpid()
    real = drawing.EntriesDrawing.pdf

    def pdf(self):
        if os.getpid() != parent:
            raise ValueError("no glyph for this")
        return real(self)

    monkeypatch.setattr(drawing.EntriesDrawing, "pdf", pdf)
    with pytest.raises(processes.PartFailed, match=r"part [2-5] of 6: ValueError: no glyph"):
        records.draft_protocol_pdf(big)
    assert multiprocessing.active_children() == []


def test_the_annex_between_its_first_and_last_part_is_drawn_with_its_marks(monkeypatch):
    monkeypatch.setattr("veche.discussions.records.pdf.ANNEX_PART_ROWS", 2)
    discussion = reviewed_discussion()
    pages = PdfReader(io.BytesIO(records.annex_pdf(discussion))).pages
    drawn = " ".join(pages[1].extract_text().split())  # five participants: 2, 1, 2
    assert "Contains personal data. For the organizer only; not to be published." in drawn
    assert "No. Full name; for a legal entity, its name" in drawn
    with translation.override("en"):
        participants = annex_of(discussion)
    assert f"3 {participants[2].name}" in drawn and "DRAFT" in drawn
    assert sum(person.name in drawn for person in participants) == 1
