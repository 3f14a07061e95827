"""Checking an uploaded project material before it is kept: its real type (from its bytes, not its
name), its size, that a PDF opens, and, where a ClamAV daemon is configured, that it is clean."""

import hashlib
import io
import logging
import socket
import struct
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from veche.core.images import strip_metadata

logger = logging.getLogger(__name__)

SIGNATURES = (
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
)


@dataclass(frozen=True)
class CheckedFile:
    content: bytes
    content_type: str
    sha256: str
    pages: int | None


def sniff(head: bytes) -> str | None:
    return next((kind for magic, kind in SIGNATURES if head.startswith(magic)), None)


def check_upload(upload) -> CheckedFile:
    """The upload's bytes and facts, or ValidationError saying what is wrong with it."""
    limit = settings.VECHE_MATERIAL_MAX_MB * 1024 * 1024
    if upload.size > limit:
        raise ValidationError(
            _("The file is %(size)s MB; at most %(limit)s MB are accepted.")
            % {"size": round(upload.size / 1024 / 1024, 1), "limit": settings.VECHE_MATERIAL_MAX_MB}
        )
    upload.seek(0)
    content = upload.read(limit + 1)
    if len(content) > limit:
        raise ValidationError(
            _("At most %(limit)s MB are accepted.") % {"limit": settings.VECHE_MATERIAL_MAX_MB}
        )
    if not content:
        raise ValidationError(_("The file is empty."))
    content_type = sniff(content[:16])
    if content_type is None:
        raise ValidationError(_("Only PDF documents and PNG or JPEG images are accepted."))
    pages = _pdf_pages(content) if content_type == "application/pdf" else None
    scan(content)
    if content_type.startswith("image/"):
        # Kept without EXIF, XMP or comments: a photo of the site must not carry who took it.
        name = getattr(upload, "name", "") or "picture"
        content = strip_metadata(io.BytesIO(content), name=name).read()
    return CheckedFile(content, content_type, hashlib.sha256(content).hexdigest(), pages)


def _pdf_pages(content: bytes) -> int:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(io.BytesIO(content))
        if reader.is_encrypted:
            raise ValidationError(_("The PDF is password-protected; upload it without a password."))
        return len(reader.pages)
    except (PyPdfError, ValueError, KeyError, TypeError) as error:
        raise ValidationError(_("The PDF is damaged and cannot be opened.")) from error


# --- ClamAV ----------------------------------------------------------------------------------


class ScannerUnavailable(ValidationError):
    pass


def scan(content: bytes) -> None:
    """Ask clamd (INSTREAM) whether the content is clean, when VECHE_CLAMD_ADDRESS is set.

    A file that cannot be scanned is refused rather than kept unscanned."""
    address = settings.VECHE_CLAMD_ADDRESS
    if not address:
        return
    try:
        reply = _instream(address, content)
    except OSError as error:
        logger.error("clamd at %s is unreachable: %s", address, error)
        raise ScannerUnavailable(
            _("The file could not be checked for viruses just now. Try again in a few minutes.")
        ) from error
    if reply.endswith("OK"):
        return
    if reply.endswith("FOUND"):
        logger.warning("clamd refused an upload: %s", reply)
        raise ValidationError(_("The file contains malicious content and was not accepted."))
    logger.error("clamd answered %r", reply)
    raise ScannerUnavailable(
        _("The file could not be checked for viruses just now. Try again in a few minutes.")
    )


def _connect(address: str) -> socket.socket:
    if address.startswith("/"):
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(30)
        sock.connect(address)
        return sock
    host, _colon, port = address.rpartition(":")
    return socket.create_connection((host or "127.0.0.1", int(port)), timeout=30)


def _instream(address: str, content: bytes) -> str:
    chunk = 64 * 1024
    with _connect(address) as sock:
        sock.sendall(b"zINSTREAM\0")
        for start in range(0, len(content), chunk):
            piece = content[start : start + chunk]
            sock.sendall(struct.pack("!L", len(piece)) + piece)
        sock.sendall(struct.pack("!L", 0))
        reply = b""
        while not reply.endswith(b"\0"):
            data = sock.recv(4096)
            if not data:
                break
            reply += data
    return reply.rstrip(b"\0").decode("utf-8", "replace").strip()
