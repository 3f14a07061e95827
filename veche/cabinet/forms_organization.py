"""Forms of registering a cabinet and of its staff: the application, the administrator's
approval or refusal, the head's invitation."""

from django import forms
from django.core.validators import RegexValidator
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from veche.core.forms import SingleLineField
from veche.organizations.models import INVITABLE_ROLES, Organization
from veche.organizations.ogrn import validate_ogrn
from veche.territories.models import Territory

MAX_LOGO_BYTES = 2 * 1024 * 1024


class TerritoriesField(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, territory):
        return territory.title


class ApplicationForm(forms.Form):
    name_ru = SingleLineField(
        label=_("Full name in Russian"),
        max_length=300,
        help_text=_("As in the state register, e.g. “Администрация Вахитовского района”."),
    )
    name_en = SingleLineField(
        label=_("Full name in English"),
        max_length=300,
        required=False,
        help_text=_("Optional: shown to visitors who read Veche in English."),
    )
    short_name = SingleLineField(
        label=_("Short name"),
        max_length=120,
        required=False,
        help_text=_("Optional: how lists and letters name the organization when space is short."),
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=[("", "—"), *Organization.Kind.choices])
    ogrn = forms.CharField(
        label=_("OGRN"),
        max_length=40,
        required=False,
        help_text=_("13 digits, or 15 for an OGRNIP. A deputy may leave it empty."),
    )
    jurisdiction = TerritoriesField(
        label=_("Territories the organization answers for"),
        queryset=Territory.objects.exclude(kind=Territory.Kind.COUNTRY).order_by("path"),
        help_text=_("Their districts are included."),
    )
    appeals_email = forms.EmailField(
        label=_("E-mail for appeals"),
        help_text=_("Collective appeals are sent here. It is never shown publicly."),
    )
    head_name = SingleLineField(
        label=_("Head's full name"),
        max_length=200,
        help_text=_("You will head the cabinet: the name as your verification confirms it."),
    )
    head_position = SingleLineField(
        label=_("Head's position"),
        max_length=200,
        help_text=_("Printed under the signature of letters, e.g. “Head of administration”."),
    )
    postal_address = forms.CharField(
        label=_("Postal address"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Printed on the letterhead."),
    )
    phone = SingleLineField(label=_("Phone"), max_length=64, required=False)
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")
    logo = forms.FileField(
        label=_("Logo"),
        required=False,
        help_text=_("Optional: a JPEG, PNG or WebP picture of up to 2 MB for the letterhead."),
    )

    def clean_ogrn(self) -> str:
        # Spaces and dashes people type to group the digits are not part of the number.
        value = "".join(self.cleaned_data["ogrn"].replace("-", " ").split())
        if value:
            validate_ogrn(value)
        return value

    def clean_logo(self):
        logo = self.cleaned_data.get("logo")
        if logo and logo.size > MAX_LOGO_BYTES:
            raise forms.ValidationError(_("The logo is larger than 2 MB."))
        return logo

    def details(self) -> dict:
        """The application's details as the service takes them."""
        data = self.cleaned_data
        name = {"ru": data["name_ru"]}
        if data["name_en"]:
            name["en"] = data["name_en"]
        return {
            "name": name,
            "short_name": {"ru": data["short_name"]} if data["short_name"] else {},
            "kind": data["kind"],
            "ogrn": data["ogrn"],
            "appeals_email": data["appeals_email"],
            "head_name": data["head_name"],
            "head_position": data["head_position"],
            "postal_address": data["postal_address"].strip(),
            "phone": data["phone"],
            "website": data["website"],
        }


class ApprovalForm(forms.Form):
    slug = forms.CharField(
        label=_("Code of the organization's page"),
        max_length=64,
        validators=[
            RegexValidator(r"^[a-z0-9][a-z0-9-]*\Z", _("Lower-case Latin letters, digits, dashes."))
        ],
        help_text=_("The page's address: /organizations/<code>/."),
    )


class RefusalForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for the refusal"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The applicant reads it: say what to correct to apply again."),
    )


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("E-mail"))
    role = forms.ChoiceField(
        label=_("Role"), choices=[(role.value, capfirst(role.label)) for role in INVITABLE_ROLES]
    )
    position = SingleLineField(
        label=_("Position"),
        max_length=200,
        required=False,
        help_text=_("Optional, e.g. “Chief specialist of the public reception”."),
    )
