from django import forms
from django.utils.translation import gettext_lazy as _

from veche.core.images import strip_metadata
from veche.identity.census import MAX_BYTES
from veche.identity.models import IdentityProvider, PropertyClaim
from veche.territories.models import Territory

MAX_DOCUMENT_BYTES = 5 * 1024 * 1024
DOCUMENT_SIGNATURES = {b"%PDF": "PDF", b"\x89PNG": "PNG", b"\xff\xd8\xff": "JPEG"}


class CensusCheckForm(forms.Form):
    identifier = forms.CharField(
        label=_("Passport or other document number"),
        max_length=40,
        help_text=_("As in the list the city keeps, e.g. 9204 123456."),
    )
    birthdate = forms.CharField(
        label=_("Date of birth"), max_length=10, help_text=_("For example 12.04.1990.")
    )


class IdentityProviderForm(forms.ModelForm):
    """A provider's settings in the admin. Its client secret is written, never shown: the box is
    empty each time, and left empty it keeps the secret already set."""

    client_secret = forms.CharField(
        label=_("client secret"),
        required=False,
        strip=False,
        max_length=IdentityProvider._meta.get_field("client_secret").max_length,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=_("Leave it empty to keep the secret already set."),
    )

    class Meta:
        model = IdentityProvider
        fields = "__all__"  # noqa: DJ007  (the admin's fieldsets choose and order them)

    def clean_client_secret(self):
        # The row's secret as stored, while the form has not yet written into it.
        return self.cleaned_data["client_secret"] or self.instance.client_secret


class RebindForm(forms.Form):
    """An operator moves a verification to the account of the person it belongs to."""

    email = forms.EmailField(
        label=_("E-mail of the account that receives it"),
        help_text=_("The account of the person whose document you have checked."),
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What you checked and why the verification moves. Kept in the audit log."),
    )

    def clean_email(self):
        from django.contrib.auth import get_user_model

        email = self.cleaned_data["email"]
        account = get_user_model().objects.filter(email__iexact=email).first()
        if account is None:
            raise forms.ValidationError(_("There is no account with this e-mail."))
        return account


class PhoneNumberForm(forms.Form):
    # Checked and normalised by the service, which knows every reason a number is refused.
    number = forms.CharField(
        label=_("Mobile phone number"),
        max_length=32,
        help_text=_("For example +7 916 123-45-67 or 8 916 123-45-67. We send a code to it."),
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}),
        error_messages={"required": _("Enter your mobile phone number.")},
    )


class PhoneCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code from the text message"),
        max_length=12,
        help_text=_("Six digits."),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "size": 8}
        ),
        error_messages={"required": _("Enter the code from the text message.")},
    )


class PropertyClaimForm(forms.ModelForm):
    class Meta:
        model = PropertyClaim
        fields = ["territory", "kind", "cadastral_number", "document"]
        help_texts = {
            "document": _(
                "An extract from the land registry (EGRN) or a title deed: PDF, PNG or "
                "JPEG, up to 5 MB."
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["territory"].queryset = Territory.objects.filter(
            kind__in=[
                Territory.Kind.CITY,
                Territory.Kind.DISTRICT,
                Territory.Kind.SETTLEMENT,
                Territory.Kind.NEIGHBOURHOOD,
            ]
        ).order_by("path")
        self.fields["territory"].label_from_instance = lambda t: t.title
        self.fields["document"].widget.attrs["accept"] = ".pdf,.png,.jpg,.jpeg"

    def clean_document(self):
        document = self.cleaned_data["document"]
        if document.size > MAX_DOCUMENT_BYTES:
            raise forms.ValidationError(_("The document is larger than 5 MB."))
        head = document.read(8)
        document.seek(0)
        if not any(head.startswith(signature) for signature in DOCUMENT_SIGNATURES):
            raise forms.ValidationError(_("Upload a PDF, PNG or JPEG file."))
        if not head.startswith(b"%PDF"):
            # A photographed deed keeps no EXIF: the reviewer needs the page, not the place.
            return strip_metadata(document)
        return document


class CensusUploadForm(forms.Form):
    territory = forms.ModelChoiceField(
        queryset=Territory.objects.order_by("path"), label=_("Territory")
    )
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_(
            "UTF-8, columns: identifier, birthdate, and optionally "
            "territory (a code inside the chosen territory), address."
        ),
    )
    valid_until = forms.DateField(label=_("Valid until"), required=False)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        # Refused before it is read into memory.
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(mb)s MB.") % {"mb": MAX_BYTES // 2**20}
            )
        return upload
