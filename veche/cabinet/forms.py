"""Forms of the official cabinet: one per action on an appeal. They parse and validate input;
the services in `veche.appeals.services` decide."""

import zipfile
from pathlib import PurePath

from django import forms
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from veche.core.forms import SingleLineField
from veche.core.images import strip_metadata
from veche.organizations.models import Organization
from veche.organizations.queries import organization_tree

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


class RegisterForm(forms.Form):
    registration_number = SingleLineField(
        label=_("Registration number"),
        max_length=64,
        help_text=_("As in the organization's register of incoming correspondence."),
    )

    def __init__(self, *args, due_date=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.due_date = due_date


class MessageForm(forms.Form):
    text = forms.CharField(
        label=_("Message to the author"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The author is notified; the message is not public."),
    )


class SignatoriesMessageForm(forms.Form):
    """A message to everyone who signed the appeal, the author among them."""

    text = forms.CharField(
        label=_("Message to all signatories"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Each signatory is notified and gets it by e-mail, as they chose to be told."),
    )
    public = forms.BooleanField(
        label=_("Show it on the problem's public page"),
        required=False,
        help_text=_("Anyone then reads it in the problem's timeline."),
    )


class AnswerForm(forms.Form):
    """An interim or the final answer."""

    text = forms.CharField(
        label=_("Text of the answer"), max_length=20000, widget=forms.Textarea(attrs={"rows": 8})
    )
    attachments = AttachmentsField(label=_("Attachments"))
    on_letterhead = forms.BooleanField(
        label=_("Issue on the organization's letterhead"), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attachments"].help_text = _(
            "PDF, DOCX, JPEG or PNG; up to %(count)d files of up to %(size)s each."
        ) % {"count": MAX_ATTACHMENTS, "size": filesizeformat(MAX_ATTACHMENT_BYTES)}


class ExtensionForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for the extension"),
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The applicants are told why the answer needs more time."),
    )


class ForwardForm(forms.Form):
    organization = forms.ModelChoiceField(
        label=_("Competent organization"), queryset=Organization.objects.none()
    )
    reason = forms.CharField(
        label=_("Reason for forwarding"),
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The applicants see it."),
    )

    def __init__(self, *args, current: Organization, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["organization"]
        field.queryset = Organization.objects.filter(is_active=True).exclude(pk=current.pk)
        # Choices in tree order, indented, so the competent body is found by its place.
        field.choices = [("", "—")] + [
            (organization.pk, "\u2003" * depth + organization.title)
            for organization, depth in organization_tree(field.queryset)
        ]


class ControlForm(forms.Form):
    under_control = forms.BooleanField(required=False, widget=forms.HiddenInput)
