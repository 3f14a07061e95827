"""The documents of a discussion as PDF: the protocol and the conclusion registered with a
verification code, the participant's extract and the annex as private registered copies, and
the organizer's unregistered drafts."""

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
from veche.discussions.records.kinds import CONCLUSION, PROTOCOL
from veche.documents.rendering import css_string, render_pdf
from veche.documents.services import Issued, issue

PROTOCOL_TEMPLATE = "discussions/records/protocol.html"
CONCLUSION_TEMPLATE = "discussions/records/conclusion.html"
ANNEX_TEMPLATE = "discussions/records/annex.html"


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


def _protocol(discussion: Discussion) -> Issued:
    with _site_language():
        return issue(
            kind=PROTOCOL,
            target=discussion,
            title=_title(discussion, _("Protocol")),
            template_name=PROTOCOL_TEMPLATE,
            context=_context(protocol_record(discussion)),
            for_addressee=False,
        )


def issue_protocol(discussion: Discussion) -> Issued:
    """Register the signed protocol (called by `services.sign_protocol` in its transaction)."""
    return _protocol(discussion)


def _kept(field_file) -> bytes | None:
    if not field_file:
        return None
    with field_file.open("rb") as handle:
        return handle.read()


def protocol_pdf(discussion: Discussion) -> bytes:
    """The signed protocol exactly as it was signed and published."""
    return _kept(discussion.protocol_file) or _protocol(discussion).pdf


def _conclusion(discussion: Discussion) -> Issued:
    with _site_language():
        return issue(
            kind=CONCLUSION,
            target=discussion,
            title=_title(discussion, _("Conclusion"), of=RESULTS_OF),
            template_name=CONCLUSION_TEMPLATE,
            context=_context(
                conclusion_record(discussion), results_of=str(RESULTS_OF[discussion.kind])
            ),
            for_addressee=False,
        )


def issue_conclusion(discussion: Discussion) -> Issued:
    """Register the conclusion (called by `services.publish_conclusion` in its transaction)."""
    return _conclusion(discussion)


def conclusion_pdf(discussion: Discussion) -> bytes:
    """The conclusion exactly as it was published."""
    return _kept(discussion.conclusion_file) or _conclusion(discussion).pdf


def _unregistered(template: str, context: dict, note: str) -> bytes:
    """A working copy: rendered, never registered, with no verification code."""
    return render_pdf(
        template,
        {**context, "verification": None, "footer_note": css_string(note)},
        base_url=settings.SITE_URL + "/",
    )


def draft_protocol_pdf(discussion: Discussion) -> bytes:
    """The protocol as it stands, for the organizer during review: marked DRAFT, not registered."""
    with _site_language():
        record = protocol_record(discussion, draft=True)
        return _unregistered(
            PROTOCOL_TEMPLATE,
            _context(record, document_title=_title(discussion, _("Draft protocol"))),
            _("Draft, not registered: not a document of the discussion"),
        )


def annex_pdf(discussion: Discussion) -> bytes:
    """The list of participants with their identification data. Organizer only; never published.
    Registered (as the addressee's copy of the protocol) once the protocol is signed."""
    with _site_language():
        draft = discussion.protocol_signed_at is None
        title = _("Annex to the protocol %(kind_of)s “%(title)s”: list of participants") % {
            "kind_of": KIND_OF[discussion.kind],
            "title": discussion.title,
        }
        context = _context(
            protocol_record(discussion, draft=draft),
            participants=annex_of(discussion),
            document_title=title,
            private_copy=_("Organizer's copy: contains personal data, not for publication."),
        )
        if draft:
            return _unregistered(
                ANNEX_TEMPLATE, context, _("Draft, not registered: contains personal data")
            )
        return issue(
            kind=PROTOCOL,
            target=discussion,
            title=title,
            template_name=ANNEX_TEMPLATE,
            context=context,
            for_addressee=True,
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
