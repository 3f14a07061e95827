"""The organizer's DOCX copies, the conclusion, a participant's extract, and documents built in the
background and drawn in parts."""

import datetime
import io
import re

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from pypdf import PdfReader

from tests.factories import (
    make_user,
)
from tests.sign_in import enter
from veche.core.models import AuditEvent
from veche.discussions import records, services
from veche.discussions.models import RecordBuild
from veche.discussions.records.kinds import CONCLUSION
from veche.discussions.tests.building import run_builds
from veche.discussions.tests.records_cast import (
    PEOPLE,
    conclude,
    docx_text,
    pdf_text,
    prepared,
    reviewed_discussion,
    sign,
)
from veche.documents.services import sha256_hex

# Made relative to today, checked against today: within one day (conftest.py).
pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("english_documents"),
    pytest.mark.usefixtures("one_city_day"),
]

# --- DOCX for editing ------------------------------------------------------------------------


def test_the_organizer_gets_the_protocol_as_docx_with_every_number(client):
    discussion = reviewed_discussion()
    sign(discussion)
    enter(client, discussion.created_by)
    response = prepared(client, discussion, "protocol_docx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    assert "attachment" in response["Content-Disposition"]
    text = docx_text(response.content)
    assert "PROTOCOL" in text
    for submission in discussion.submissions.all():
        assert submission.registration_number in text
        assert submission.recommendation_reason in text
    assert "4.1. Residents of the territory" in text
    assert "4.2. Other participants" in text
    assert "05.11.1979" not in text  # the same public content as the PDF
    assert discussion.protocol_code in text


def test_the_docx_copies_are_refused_to_anyone_but_the_organizer(client):
    discussion = reviewed_discussion()
    sign(discussion)
    conclude(discussion)
    enter(client, discussion.submissions.get(number=1).author)
    for name in ("protocol_docx", "conclusion_docx"):
        assert client.get(reverse(f"discussions:{name}", args=[discussion.pk])).status_code == 403


# --- The conclusion ----------------------------------------------------------------------------


def test_the_conclusion_carries_the_project_participants_protocol_recommendations_and_conclusions(
    client,
):
    discussion = reviewed_discussion()
    sign(discussion)
    document = conclude(discussion)
    assert document.kind == CONCLUSION
    assert discussion.conclusion_code == document.code
    response = client.get(reverse("discussions:conclusion_pdf", args=[discussion.pk]))
    assert response.status_code == 200
    assert sha256_hex(response.content) == document.sha256
    text = pdf_text(response.content)
    assert "CONCLUSION" in text
    assert "on the results of the public discussion" in text
    assert discussion.title in text
    assert "5 participants took part and sent 7 submission(s)" in text
    signed_on = timezone.localtime(discussion.protocol_signed_at).strftime("%d.%m.%Y")
    assert (
        f"protocol of the public discussion No. {discussion.pk} of {signed_on}, verification "
        f"code {discussion.protocol_code}" in text
    )
    for submission in discussion.submissions.all():
        assert submission.registration_number in text
        assert submission.recommendation_reason in text
    assert "Проект рекомендуется к утверждению с учётом предложений." in text
    assert "05.11.1979" not in text and "ул. Горького" not in text


def test_the_organizer_gets_the_conclusion_as_docx(client):
    discussion = reviewed_discussion()
    sign(discussion)
    conclude(discussion, text="Проект рекомендуется к утверждению с учётом замечаний.")
    enter(client, discussion.created_by)
    response = prepared(client, discussion, "conclusion_docx")
    assert response.status_code == 200
    text = docx_text(response.content)
    assert "CONCLUSION" in text
    assert "Проект рекомендуется к утверждению с учётом замечаний." in text
    assert discussion.protocol_code in text
    assert all(s.registration_number in text for s in discussion.submissions.all())


# --- A participant's extract ---------------------------------------------------------------


def test_a_participant_downloads_an_extract_with_their_own_submissions_only(client):
    discussion = reviewed_discussion()
    sign(discussion)
    petrova = discussion.submissions.get(number=2).author
    own = set(discussion.submissions.filter(author=petrova).values_list("registration_number"))
    enter(client, petrova)
    response = client.get(reverse("discussions:extract_pdf", args=[discussion.pk]))
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    text = pdf_text(response.content)
    assert "EXTRACT" in text
    assert "Петрова Анна Сергеевна" in text  # issued to her, by name
    numbers = set(re.findall(rf"\b{discussion.pk}-\d{{4}}\b", text))
    assert numbers == {number for (number,) in own}
    assert len(numbers) == 3  # two as a resident, one for her company
    assert "Сохранить сквер у школы № 5." not in text
    assert "Statistics" not in text


def test_no_extract_for_someone_without_submissions_or_before_signing(client):
    discussion = reviewed_discussion()
    url = reverse("discussions:extract_pdf", args=[discussion.pk])
    author = discussion.submissions.get(number=1).author
    enter(client, author)
    assert client.get(url).status_code == 404  # the protocol is not signed yet
    sign(discussion)
    assert client.get(url).status_code == 200
    enter(client, make_user())
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302


# --- Built in the background, never inside a request --------------------------------------------


def test_a_document_is_prepared_in_the_background_with_its_progress_on_the_page(client):
    discussion = reviewed_discussion()
    enter(client, discussion.created_by)
    page_url = reverse("discussions:records", args=[discussion.pk])
    draft_url = reverse("discussions:protocol_draft_pdf", args=[discussion.pk])
    # Nothing is rendered by a request: before a build, the download leads to the page.
    response = client.get(draft_url)
    assert response.status_code == 302
    assert response["Location"].startswith(page_url)
    client.post(
        reverse("discussions:prepare_record", args=[discussion.pk]), {"kind": "draft_protocol"}
    )
    page = client.get(page_url).content.decode()
    assert "waiting for its turn" in page
    assert 'hx-trigger="every 2s"' in page  # htmx asks for the fragment again
    assert '<meta http-equiv="refresh" content="5">' in page  # without JavaScript: reload
    fragment = client.get(page_url, HTTP_HX_REQUEST="true").content.decode()
    assert fragment.lstrip().startswith('<div id="records"') and "<html" not in fragment
    assert run_builds() == ["built"]
    page = client.get(page_url).content.decode()
    assert "every 2s" not in page and 'http-equiv="refresh"' not in page
    assert draft_url in page
    assert client.get(draft_url).status_code == 200


def test_asking_twice_while_it_is_built_builds_once(client):
    discussion = reviewed_discussion()
    enter(client, discussion.created_by)
    prepare = reverse("discussions:prepare_record", args=[discussion.pk])
    client.post(prepare, {"kind": "annex"})
    client.post(prepare, {"kind": "annex"})
    assert run_builds() == ["built"]


def test_the_signed_protocol_is_published_once_it_is_built(client):
    discussion = reviewed_discussion()
    build = services.sign_protocol(user=discussion.created_by, discussion=discussion)
    url = reverse("discussions:protocol_pdf", args=[discussion.pk])
    assert client.get(url).status_code == 404
    page = client.get(discussion.get_absolute_url()).content.decode()
    assert "the document is being prepared" in page and url not in page
    assert records.builds.run(build.pk) == "built"
    discussion.refresh_from_db()
    assert client.get(url).status_code == 200
    page = client.get(discussion.get_absolute_url()).content.decode()
    assert url in page and discussion.protocol_code in page
    event = AuditEvent.objects.get(action="discussion.protocol_issued")
    assert event.data["code"] == discussion.protocol_code
    # A build that runs again (a worker died after keeping it) keeps the first protocol.
    first = discussion.protocol_file.name
    RecordBuild.objects.filter(pk=build.pk).update(state=RecordBuild.State.QUEUED)
    assert records.builds.run(build.pk) == "built"
    discussion.refresh_from_db()
    assert discussion.protocol_file.name == first
    assert AuditEvent.objects.filter(action="discussion.protocol_issued").count() == 1


def test_a_build_whose_worker_died_is_queued_again_and_given_up_after_three_tries(
    monkeypatch,
):
    discussion = reviewed_discussion()
    build = services.request_record(
        user=discussion.created_by, discussion=discussion, kind="draft_protocol"
    )
    queued = []
    monkeypatch.setattr(records.builds, "_queue", queued.append)
    long_ago = timezone.now() - datetime.timedelta(hours=1)
    RecordBuild.objects.filter(pk=build.pk).update(
        state=RecordBuild.State.RUNNING, lease_until=long_ago, attempts=1
    )
    assert records.builds.run(build.pk) == "built"  # a lease that ran out is claimed again
    RecordBuild.objects.filter(pk=build.pk).update(
        state=RecordBuild.State.RUNNING, lease_until=long_ago, attempts=2
    )
    assert records.builds.requeue_stalled() == 1
    assert queued == [build.pk]
    RecordBuild.objects.filter(pk=build.pk).update(attempts=3)
    assert records.builds.requeue_stalled() == 0
    assert RecordBuild.objects.get(pk=build.pk).state == RecordBuild.State.FAILED
    # A live lease is not taken from its worker.
    RecordBuild.objects.filter(pk=build.pk).update(
        state=RecordBuild.State.RUNNING, lease_until=timezone.now() + datetime.timedelta(hours=1)
    )
    assert records.builds.run(build.pk) == "not claimed"


def test_a_failed_build_says_so_and_can_be_tried_again(client, monkeypatch):
    discussion = reviewed_discussion()
    enter(client, discussion.created_by)

    def broken(discussion, progress):
        raise RuntimeError("out of paper")

    monkeypatch.setitem(records.builds.BUILDERS, "annex", broken)
    client.post(reverse("discussions:prepare_record", args=[discussion.pk]), {"kind": "annex"})
    assert run_builds() == ["failed"]
    build = RecordBuild.objects.get()
    assert "out of paper" in build.error
    page = client.get(reverse("discussions:records", args=[discussion.pk])).content.decode()
    assert "could not be prepared" in page and "Prepare again" in page


# --- A big record drawn in parts -----------------------------------------------------------------


def _lines(pdf: bytes) -> list[str]:
    """The text of a PDF line by line, without the page furniture a part repeats or changes:
    the footer, the DRAFT mark and the lines of the table's header row."""
    header = {
        "Reg.",
        "No.,",
        "date",
        "Participant",
        "Content",
        "of",
        "the",
        "submission",
        "Recommendation",
        "organizer",
        "and",
        "its",
        "reasons",
    }
    reader = PdfReader(io.BytesIO(pdf))
    return [
        line.strip()
        for page in reader.pages
        for line in page.extract_text().splitlines()
        if line.strip() not in ("", "DRAFT")
        and not re.fullmatch(r"page \d+ of \d+", line.strip())
        and not set(line.split()) <= header
    ]


def _words(pdf: bytes) -> list[str]:
    """The words of `_lines`: the parts between the first and the last are drawn by reportlab,
    which breaks the lines elsewhere and hyphenates no word, so a word WeasyPrint hyphenated at
    the end of a line is joined again."""
    return re.sub(r"\u2010\n", "", "\n".join(_lines(pdf))).split()


def test_a_record_drawn_in_parts_reads_as_the_record_in_one_piece(monkeypatch):
    discussion = reviewed_discussion()
    whole = records.draft_protocol_pdf(discussion)
    monkeypatch.setattr("veche.discussions.records.pdf.PART_ROWS", 2)
    seen = []
    in_parts = records.draft_protocol_pdf(discussion, lambda done, total: seen.append(done))
    # Four parts, the progress after each (laid out side by side, they may finish in any order).
    assert len(seen) == 4 and seen == sorted(seen) and seen[-1] == 7
    assert _words(in_parts) == _words(whole)
    text = pdf_text(in_parts)
    assert text.count("4.1. Residents of the territory") == 1
    assert text.count("4.2. Other participants") == 1
    assert "5. Statistics" in text and text.count("DRAFT A working copy") == 1
    pages = PdfReader(io.BytesIO(in_parts)).pages
    assert len(pages) >= 4
    for number, page in enumerate(pages, start=1):
        assert f"page {number} of {len(pages)}" in page.extract_text()


def test_an_annex_drawn_in_parts_numbers_its_participants_through(monkeypatch):
    discussion = reviewed_discussion()
    monkeypatch.setattr("veche.discussions.records.pdf.ANNEX_PART_ROWS", 2)
    pages = PdfReader(io.BytesIO(records.annex_pdf(discussion))).pages
    assert len(pages) == 3
    text = " ".join(page.extract_text() for page in pages)
    assert "Participants in all: 5" in text
    for name, _publication, _birthdate in PEOPLE.values():
        assert name in text
    for number, page in enumerate(pages, start=1):
        assert f"page {number} of 3" in page.extract_text()


def test_a_small_record_is_drawn_in_one_piece_to_the_same_bytes_as_before():
    from veche.discussions.records.content import protocol_record
    from veche.discussions.records.pdf import PROTOCOL_TEMPLATE, _context, _title
    from veche.documents.rendering import css_string, render_pdf

    discussion = reviewed_discussion()
    with translation.override("en"):
        # What the draft protocol was before it was built in the background: one render.
        before = render_pdf(
            PROTOCOL_TEMPLATE,
            {
                **_context(
                    protocol_record(discussion, draft=True),
                    document_title=_title(discussion, "Draft protocol"),
                ),
                "verification": None,
                "footer_note": css_string(
                    "Draft, not registered: not a document of the discussion"
                ),
            },
            base_url="https://veche.example.org/",
        )
    assert records.draft_protocol_pdf(discussion) == before


def test_a_conclusion_drawn_in_parts_reads_as_the_conclusion_in_one_piece(monkeypatch):
    discussion = reviewed_discussion()
    sign(discussion)
    services.publish_conclusion(
        user=discussion.created_by, discussion=discussion, text="Проект рекомендован."
    )
    discussion.refresh_from_db()
    whole = records.issue_conclusion(discussion).pdf
    monkeypatch.setattr("veche.discussions.records.pdf.PART_ROWS", 3)
    in_parts = records.issue_conclusion(discussion).pdf

    def text(pdf):  # the verification code differs: each rendering was registered anew
        return [line for line in _lines(pdf) if "erification code" not in line]

    assert text(in_parts)[:-4] == text(whole)[:-4]
    assert "5. Conclusions" in pdf_text(in_parts)


def test_a_record_issued_again_is_the_same_registered_document_until_its_submissions_change():
    """A record's fingerprint is its template rendered without the submissions, plus the
    submissions as text: the same record finds its registered document (one code), a changed
    submission registers a new one."""
    from veche.discussions.models import Submission
    from veche.documents.models import IssuedDocument

    discussion = reviewed_discussion()
    sign(discussion)
    discussion.refresh_from_db()
    first = records.issue_protocol(discussion).document
    again = records.issue_protocol(discussion).document
    assert again.pk == first.pk
    submission = Submission.objects.filter(discussion=discussion).first()
    Submission.objects.filter(pk=submission.pk).update(text=submission.text + " Дополнено.")
    changed = records.issue_protocol(discussion).document
    assert changed.pk != first.pk and changed.fingerprint != first.fingerprint
    assert IssuedDocument.objects.filter(kind=first.kind, object_id=first.object_id).count() == 2
