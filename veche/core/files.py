"""Uploaded files served through Django after an access check: streamed with FileResponse, or
handed to nginx with X-Accel-Redirect (settings.VECHE_MEDIA_ACCEL_REDIRECT) in production.

MEDIA_ROOT is never served directly: who may see a file is the question of the page it
belongs to, which the calling view has already asked.
"""

import re
import unicodedata
from pathlib import PurePosixPath
from urllib.parse import quote

from django.conf import settings
from django.http import FileResponse, Http404, HttpResponse
from django.utils.http import content_disposition_header

# The kinds we accept as uploads, by the name's ending. Anything else is sent as opaque bytes
# to be saved, so that a stored file can never be rendered as a page of our origin.
CONTENT_TYPES = {
    ".pdf": "application/pdf",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".webp": "image/webp",
}
# Shown in the browser; the rest is downloaded.
INLINE_TYPES = {"application/pdf", "image/jpeg", "image/png", "image/webp"}
OPAQUE = "application/octet-stream"
SANDBOX = "sandbox; default-src 'none'; img-src 'self'"

_UNSAFE = re.compile(r"[^\w.()\- ]+", re.UNICODE)


def safe_filename(name: str, *, default: str = "file") -> str:
    """A name fit for Content-Disposition: no path, no control or quoting characters, no
    leading dot, at most 120 characters; letters of any alphabet are kept."""
    name = unicodedata.normalize("NFC", PurePosixPath(name.replace("\\", "/")).name)
    name = _UNSAFE.sub("_", name).strip(" ._")
    if len(name) > 120:
        stem, dot, suffix = name.rpartition(".")
        name = f"{stem[: 119 - len(suffix)]}.{suffix}" if dot and len(suffix) <= 10 else name[:120]
    return name or default


def content_type_of(name: str) -> str:
    return CONTENT_TYPES.get(PurePosixPath(name).suffix.lower(), OPAQUE)


def serve_file(field_file, *, filename: str, public: bool) -> HttpResponse:
    """The stored file with its type, a safe name and no sniffing. `public`: anyone may see it
    (browsers may keep it a while); otherwise only this person, and nothing keeps a copy."""
    if not field_file or not field_file.name:
        raise Http404
    content_type = content_type_of(field_file.name)
    name = safe_filename(filename or field_file.name)
    if content_type != OPAQUE and content_type_of(name) != content_type:
        # The shown name must not promise another kind than what is sent.
        name = safe_filename(PurePosixPath(name).stem + PurePosixPath(field_file.name).suffix)
    as_attachment = content_type not in INLINE_TYPES
    prefix = settings.VECHE_MEDIA_ACCEL_REDIRECT
    if prefix:
        # nginx sends the file with this response's Content-Type, Content-Disposition and
        # Cache-Control, but drops Content-Security-Policy and nosniff unless its internal
        # location adds them back from $upstream_http_… (README, "Running in production").
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = prefix + quote(field_file.name)
        response["Content-Disposition"] = content_disposition_header(as_attachment, name)
    else:
        try:
            handle = field_file.storage.open(field_file.name, "rb")
        except FileNotFoundError:
            raise Http404 from None
        response = FileResponse(
            handle, content_type=content_type, as_attachment=as_attachment, filename=name
        )
    response["X-Content-Type-Options"] = "nosniff"
    # Whatever a file turns out to hold (a polyglot image with HTML inside), opened on its own
    # it runs no script in the site's origin.
    response["Content-Security-Policy"] = SANDBOX
    response["Cache-Control"] = "private, max-age=3600" if public else "private, no-store"
    return response
