"""Answers' attachments: PDF, DOCX, JPEG or PNG, recognised by their content, limited in number
and size, pictures stripped of their metadata. The cabinet's answer form and the API check
them alike."""

import zipfile
from pathlib import PurePath

from django import forms
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from veche.core.images import strip_metadata

MAX_ATTACHMENTS = 5
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
# Kinds of attachment, recognised by their first bytes, and the names' endings allowed for each.
ATTACHMENT_SUFFIXES = {
    "PDF": (".pdf",),
    "DOCX": (".docx",),
    "JPEG": (".jpg", ".jpeg"),
    "PNG": (".png",),
}


def attachment_kind(upload) -> str | None:
    """What the file really is, by its content; None when it is none of the accepted kinds."""
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if head.startswith(b"%PDF-"):
        return "PDF"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if head.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if head.startswith(b"PK\x03\x04") and _is_docx(upload):
        return "DOCX"
    return None


def _is_docx(upload) -> bool:
    # A DOCX is a ZIP package with a content-types part and a main document part; reading the
    # directory of names does not unpack anything.
    try:
        with zipfile.ZipFile(upload) as package:
            names = set(package.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return False
    finally:
        upload.seek(0)
    return {"[Content_Types].xml", "word/document.xml"} <= names


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class AttachmentsField(forms.FileField):
    """Several files in one input: PDF, DOCX, JPEG or PNG, checked by content and size."""

    widget = MultipleFileInput

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.widget.attrs["accept"] = ",".join(
            suffix for suffixes in ATTACHMENT_SUFFIXES.values() for suffix in suffixes
        )

    def clean(self, data, initial=None):
        uploads = [upload for upload in (data or []) if upload]
        if self.required and not uploads:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        if len(uploads) > MAX_ATTACHMENTS:
            raise forms.ValidationError(
                _("Attach at most %(count)d files.") % {"count": MAX_ATTACHMENTS}
            )
        cleaned, errors = [], []
        for upload in uploads:
            upload = super().clean(upload, initial)
            kind = attachment_kind(upload)
            suffix = PurePath(upload.name).suffix.lower()
            if upload.size > MAX_ATTACHMENT_BYTES:
                errors.append(
                    _("“%(name)s” is larger than %(limit)s.")
                    % {"name": upload.name, "limit": filesizeformat(MAX_ATTACHMENT_BYTES)}
                )
            elif kind is None:
                errors.append(
                    _("“%(name)s” is not a PDF, DOCX, JPEG or PNG file.") % {"name": upload.name}
                )
            elif suffix not in ATTACHMENT_SUFFIXES[kind]:
                errors.append(
                    _("“%(name)s” is a %(kind)s file: its name must end with %(suffix)s.")
                    % {"name": upload.name, "kind": kind, "suffix": ATTACHMENT_SUFFIXES[kind][0]}
                )
            elif kind in ("JPEG", "PNG"):
                try:
                    upload = strip_metadata(upload)  # no EXIF (place, device) goes public
                except forms.ValidationError as refused:
                    errors.extend(refused.messages)
            cleaned.append(upload)
        if errors:
            raise forms.ValidationError(errors)
        return cleaned
