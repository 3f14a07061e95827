"""Forms of the verification pages: a code to look up, a copy of a PDF to check."""

from django import forms
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from veche.documents.services import CODE_LENGTH, normalize_code

MAX_COPY_BYTES = 20 * 1024 * 1024


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Verification code"),
        max_length=64,
        help_text=_("Printed on the document under the QR code, 20 letters and digits."),
    )

    def clean_code(self) -> str:
        code = normalize_code(self.cleaned_data["code"])
        if len(code) != CODE_LENGTH:
            raise forms.ValidationError(
                _("A verification code has %(length)s letters and digits."),
                params={"length": CODE_LENGTH},
            )
        return code


class CopyForm(forms.Form):
    """A copy of a document to compare with the issued one. It is read, hashed and forgotten."""

    copy = forms.FileField(
        label=_("PDF file of the document"),
        widget=forms.FileInput(attrs={"accept": "application/pdf,.pdf"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["copy"].help_text = _("Up to %(size)s. The file is not kept.") % {
            "size": filesizeformat(MAX_COPY_BYTES)
        }

    def clean_copy(self):
        copy = self.cleaned_data["copy"]
        if copy.size > MAX_COPY_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(size)s."),
                params={"size": filesizeformat(MAX_COPY_BYTES)},
            )
        return copy
