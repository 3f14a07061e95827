"""Issuing documents: render a PDF with its verification code and register it."""

import datetime
import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from veche.documents import registry
from veche.documents.models import IssuedDocument
from veche.documents.qr import qr_data_uri
from veche.documents.rendering import css_string, render_pdf

# Lower-case letters and digits without i, l, o, u: a code read from paper is typed right.
CODE_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"
CODE_LENGTH = 20  # 100 bits
_CACHE_SECONDS = 3600
_CACHE_MAX_BYTES = 5 * 1024 * 1024


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalize_code(typed: str) -> str:
    """A code as a person typed it (any case, spaces, dashes, O for 0) in its stored form."""
    cleaned = "".join(ch for ch in typed.lower() if ch.isalnum())
    return cleaned.translate(str.maketrans({"o": "0", "i": "1", "l": "1"}))


def sha256_hex(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def sha256_of_file(uploaded) -> str:
    """The SHA-256 of an uploaded file, read in chunks (a copy brought for checking)."""
    digest = hashlib.sha256()
    for chunk in uploaded.chunks():
        digest.update(chunk)
    return digest.hexdigest()


@dataclass(frozen=True)
class Verification:
    """What a document prints about itself so that a reader can verify it."""

    code: str
    url: str
    qr: str
    issued_at: datetime.datetime

    @classmethod
    def of(cls, document: IssuedDocument) -> "Verification":
        url = settings.SITE_URL + reverse("documents:document", args=[document.code])
        return cls(document.code, url, qr_data_uri(url), document.created_at)


@dataclass(frozen=True)
class Issued:
    """A registered document and the PDF bytes issued under its code."""

    document: IssuedDocument
    pdf: bytes


def issue(
    *,
    kind: str,
    target,
    title: str,
    template_name: str,
    context: dict,
    for_addressee: bool,
    render: Callable[..., bytes] = render_pdf,
    fingerprint: str = "",
) -> Issued:
    """The PDF of `target` from `template_name`, registered as an IssuedDocument of `kind`, a
    code that the issuing app registered (`veche.documents.registry`): LookupError otherwise.

    The template gets `verification` (code, URL, QR, time of issue). When the same content
    was issued before, the registered document is rendered again under its code instead of
    registering a new one, so repeated downloads of an unchanged appeal do not grow the
    register and all carry the same code. `render` draws the PDF (as `render_pdf` does, which
    it is by default): a big document is drawn in parts by its app, and gives its own
    `fingerprint` (`content_fingerprint` of what rendering it whole would have said).
    """
    registry.kind_of(kind)  # the verification page must be able to describe it
    language = translation.get_language() or settings.LANGUAGE_CODE
    object_type, object_id = target._meta.label_lower, str(target.pk)
    fingerprint = fingerprint or content_fingerprint(template_name, context)
    earlier = (
        IssuedDocument.objects.filter(
            kind=kind,
            object_type=object_type,
            object_id=object_id,
            fingerprint=fingerprint,
            for_addressee=for_addressee,
            language=language,
        )
        .order_by("-created_at", "-id")
        .first()
    )
    if earlier is not None:
        pdf = cache.get(_cache_key(earlier)) or _render(template_name, context, earlier, render)
        if sha256_hex(pdf) == earlier.sha256:
            _remember(earlier, pdf)
            return Issued(earlier, pdf)
        # Rendered differently now (fonts or the renderer changed): register a new document.
    document = IssuedDocument(
        kind=kind,
        code=new_code(),
        object_type=object_type,
        object_id=object_id,
        title=title,
        language=language,
        for_addressee=for_addressee,
        fingerprint=fingerprint,
        created_at=timezone.now().replace(microsecond=0),
    )
    pdf = _render(template_name, context, document, render)
    document.sha256 = sha256_hex(pdf)
    document.save()
    _remember(document, pdf)
    return Issued(document, pdf)


def content_fingerprint(template_name: str, context: dict, *, more: bytes = b"") -> str:
    """What tells that a document says the same as one issued before: its template rendered
    without the verification block, and `more`, what a big document leaves out of that
    rendering (a record's submissions, as plain text). A document that then renders to other
    bytes (fonts, the renderer, the template changed) is registered anew (`issue`)."""
    probe = render_to_string(template_name, {**context, "verification": None})
    return sha256_hex(probe.encode() + more)


def _render(template_name: str, context: dict, document: IssuedDocument, render) -> bytes:
    return render(
        template_name,
        {
            **context,
            "verification": Verification.of(document),
            "document_title": document.title,
            "footer_note": css_string(
                _("Veche · verification code %(code)s") % {"code": document.code}
            ),
        },
        base_url=settings.SITE_URL + "/",
        identifier=document.code,
    )


def _cache_key(document: IssuedDocument) -> str:
    return f"documents:pdf:{document.code}"


def _remember(document: IssuedDocument, pdf: bytes) -> None:
    # Rendering takes a second or two; an appeal being shared is downloaded many times.
    # Addressee copies carry personal data and stay out of a cache that may be shared.
    if not document.for_addressee and len(pdf) <= _CACHE_MAX_BYTES:
        cache.set(_cache_key(document), pdf, _CACHE_SECONDS)
