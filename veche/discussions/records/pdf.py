"""The documents of a discussion as PDF: the protocol and the conclusion registered with a
verification code, the participant's extract and the annex as private registered copies, and
the organizer's unregistered drafts."""

import dataclasses
from collections.abc import Callable

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from veche.discussions.models import Discussion
from veche.discussions.records.content import (
    KIND_OF,
    RESULTS_OF,
    Record,
    annex_of,
    conclusion_record,
    extract_record,
    protocol_record,
)
from veche.discussions.records.drawing import entries_drawing, participants_drawing
from veche.discussions.records.kinds import CONCLUSION, PROTOCOL
from veche.discussions.records.parts import (
    PART_ROWS,
    Draw,
    Progress,
    no_progress,
    part_sizes,
    record_parts,
    render_parts,
    split_rows,
)
from veche.documents.rendering import css_string
from veche.documents.services import Issued, content_fingerprint, issue

PROTOCOL_TEMPLATE = "discussions/records/protocol.html"
CONCLUSION_TEMPLATE = "discussions/records/conclusion.html"
ANNEX_TEMPLATE = "discussions/records/annex.html"
# One line or two per participant: twice the rows of a part of the submissions (the annex of up to
# twice as many is drawn in one piece).
ANNEX_PART_ROWS = 2 * PART_ROWS


def _context(record: Record, **more) -> dict:
    return {
        "record": record,
        "discussion": record.discussion,
        "statistics": record.statistics,
        "site_url": settings.SITE_URL,
        "stylesheet": "discussions/records.css",
        **more,
    }


def _title(discussion: Discussion, what: str, *, of=KIND_OF) -> str:
    return _("%(what)s %(kind_of)s “%(title)s”") % {
        "what": what,
        "kind_of": of[discussion.kind],
        "title": discussion.title,
    }


def _site_language():
    return translation.override(settings.LANGUAGE_CODE)


def _in_parts(
    contexts_of: Callable[[dict], list[dict]], rows: list[int], progress: Progress, draw: Draw
):
    """A `render` for documents.issue(): the record drawn in parts (records/parts.py), the parts
    between the first and the last by `draw` (records/drawing.py)."""

    def render(template_name: str, context: dict, *, base_url: str, identifier: str = ""):
        return render_parts(
            template_name,
            contexts_of(context),
            identifier=identifier,
            progress=progress,
            rows=rows,
            draw=draw,
        )

    return render


def _record_in_parts(record: Record, progress: Progress):
    count = sum(len(group.entries) for group in record.groups)
    parts = record_parts(record, part_sizes(count, PART_ROWS))
    rows = [sum(len(group.entries) for group in part.groups) for part in parts]
    return _in_parts(
        lambda context: [{**context, "record": p} for p in parts], rows, progress, entries_drawing
    )


def _fingerprint(template_name: str, context: dict, record: Record) -> str:
    """The record's fingerprint in the register: the template rendered without the submissions,
    and the submissions' entries, which are plain text. Rendering the template whole, only for
    this, took a record of 10 000 submissions five seconds of the worker's CPU."""
    without = dataclasses.replace(record, groups=[])
    return content_fingerprint(
        template_name, {**context, "record": without}, more=repr(record.groups).encode()
    )


def issue_protocol(discussion: Discussion, progress: Progress = no_progress) -> Issued:
    """Register the signed protocol (built in the background once it is signed)."""
    with _site_language():
        record = protocol_record(discussion)
        context = _context(record)
        return issue(
            kind=PROTOCOL,
            target=discussion,
            title=_title(discussion, _("Protocol")),
            template_name=PROTOCOL_TEMPLATE,
            context=context,
            for_addressee=False,
            render=_record_in_parts(record, progress),
            fingerprint=_fingerprint(PROTOCOL_TEMPLATE, context, record),
        )


def _kept(field_file) -> bytes | None:
    if not field_file:
        return None
    with field_file.open("rb") as handle:
        return handle.read()


def protocol_pdf(discussion: Discussion) -> bytes | None:
    """The signed protocol exactly as it was signed and published (None while it is built)."""
    return _kept(discussion.protocol_file)


def issue_conclusion(discussion: Discussion, progress: Progress = no_progress) -> Issued:
    """Register the published conclusion (built in the background once it is published)."""
    with _site_language():
        record = conclusion_record(discussion)
        context = _context(record, results_of=str(RESULTS_OF[discussion.kind]))
        return issue(
            kind=CONCLUSION,
            target=discussion,
            title=_title(discussion, _("Conclusion"), of=RESULTS_OF),
            template_name=CONCLUSION_TEMPLATE,
            context=context,
            for_addressee=False,
            render=_record_in_parts(record, progress),
            fingerprint=_fingerprint(CONCLUSION_TEMPLATE, context, record),
        )


def conclusion_pdf(discussion: Discussion) -> bytes | None:
    """The conclusion exactly as it was published (None while it is built)."""
    return _kept(discussion.conclusion_file)


def _unregistered(template: str, context: dict, note: str, render) -> bytes:
    """A working copy: rendered, never registered, with no verification code."""
    return render(
        template,
        {**context, "verification": None, "footer_note": css_string(note)},
        base_url=settings.SITE_URL + "/",
    )


def draft_protocol_pdf(discussion: Discussion, progress: Progress = no_progress) -> bytes:
    """The protocol as it stands, for the organizer during review: marked DRAFT, not registered."""
    with _site_language():
        record = protocol_record(discussion, draft=True)
        return _unregistered(
            PROTOCOL_TEMPLATE,
            _context(record, document_title=_title(discussion, _("Draft protocol"))),
            _("Draft, not registered: not a document of the discussion"),
            _record_in_parts(record, progress),
        )


def annex_pdf(discussion: Discussion, progress: Progress = no_progress) -> bytes:
    """The list of participants with their identification data. Organizer only; never published.
    Registered (as the addressee's copy of the protocol) once the protocol is signed."""
    with _site_language():
        draft = discussion.protocol_signed_at is None
        title = _("Annex to the protocol %(kind_of)s “%(title)s”: list of participants") % {
            "kind_of": KIND_OF[discussion.kind],
            "title": discussion.title,
        }
        record = protocol_record(discussion, draft=draft, submissions=False)
        participants = annex_of(discussion)
        context = _context(
            record,
            participants=participants,
            participant_count=len(participants),
            document_title=title,
            private_copy=_("Organizer's copy: contains personal data, not for publication."),
        )
        chunks = split_rows(participants, ANNEX_PART_ROWS)
        render = _in_parts(
            lambda context: [{**context, "participants": chunk} for chunk in chunks],
            [len(chunk) for chunk in chunks],
            progress,
            participants_drawing,
        )
        if draft:
            return _unregistered(
                ANNEX_TEMPLATE, context, _("Draft, not registered: contains personal data"), render
            )
        return issue(
            kind=PROTOCOL,
            target=discussion,
            title=title,
            template_name=ANNEX_TEMPLATE,
            context=context,
            for_addressee=True,
            render=render,
        ).pdf


def extract_pdf(discussion: Discussion, user) -> bytes:
    """An extract of the signed protocol with the participant's own submissions only."""
    with _site_language():
        record = extract_record(discussion, user)
        title = _("Extract from the protocol %(kind_of)s “%(title)s”: submissions %(numbers)s") % {
            "kind_of": KIND_OF[discussion.kind],
            "title": discussion.title,
            "numbers": ", ".join(entry.number for entry in record.entries),
        }
        return issue(
            kind=PROTOCOL,
            target=discussion,
            title=title,
            template_name=PROTOCOL_TEMPLATE,
            context=_context(
                record,
                private_copy=_("Participant's copy: not for publication by the platform."),
            ),
            for_addressee=True,
        ).pdf


def has_own_submissions(discussion: Discussion, user) -> bool:
    return discussion.submissions.filter(author=user, hidden_at__isnull=True).exists()
