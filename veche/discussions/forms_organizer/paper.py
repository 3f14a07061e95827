"""Submissions received on paper, at the meeting or in the visitors' book."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from veche.core.forms import SingleLineField
from veche.discussions.forms import MAX_PAGE
from veche.discussions.models import Discussion, Material, Submission
from veche.discussions.models.submissions import ONLINE_CHANNELS

from ._common import DateInput, FieldsetsMixin, Section


class PaperSubmissionForm(FieldsetsMixin, forms.Form):
    class Participant:
        PERSON = "person"
        LEGAL_ENTITY = "legal_entity"

    channel = forms.ChoiceField(
        label=_("Received"),
        choices=[c for c in Submission.Channel.choices if c[0] not in ONLINE_CHANNELS],
        widget=forms.RadioSelect,
    )
    received_on = forms.DateField(label=_("Received on"), widget=DateInput())
    participant = forms.ChoiceField(
        label=_("The participant is"),
        choices=[
            (Participant.PERSON, _("a person")),
            (Participant.LEGAL_ENTITY, _("a legal entity")),
        ],
        widget=forms.RadioSelect,
        initial=Participant.PERSON,
    )
    full_name = SingleLineField(
        label=_("Surname, name and patronymic"), max_length=300, required=False
    )
    birthdate = forms.DateField(label=_("Date of birth"), widget=DateInput(), required=False)
    address = SingleLineField(
        label=_("Address of residence (registration)"), max_length=500, required=False
    )
    legal_name = SingleLineField(
        label=_("Name of the legal entity"), max_length=300, required=False
    )
    ogrn = forms.CharField(
        label=_("OGRN"),
        max_length=15,
        required=False,
        help_text=_("13 digits (15 for an individual entrepreneur)."),
    )
    legal_address = forms.CharField(label=_("Location and address"), max_length=500, required=False)
    basis = forms.ChoiceField(
        label=_("Basis of participation"),
        choices=Submission.Basis.choices,
        widget=forms.RadioSelect,
        help_text=_("As the participant's documents show."),
    )
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=Submission.Kind.choices,
        widget=forms.RadioSelect,
        initial=Submission.Kind.PROPOSAL,
    )
    text = forms.CharField(
        label=_("Text as received"),
        min_length=10,
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 7}),
    )
    material = forms.ModelChoiceField(
        label=_("About the document (optional)"),
        queryset=Material.objects.none(),
        required=False,
        empty_label=_("The project as a whole"),
    )
    page = forms.IntegerField(
        label=_("Page (optional)"), min_value=1, max_value=MAX_PAGE, required=False
    )

    sections = (
        Section(_("How it came"), ("channel", "received_on")),
        Section(
            _("The participant"),
            ("participant", "full_name", "birthdate", "address"),
            note=_(
                "The law asks of a person: full name, date of birth and address of residence; of "
                "a legal entity: its name, OGRN, location and address. They go to the "
                "protocol's annex, never to the public."
            ),
        ),
        Section(_("For a legal entity"), ("legal_name", "ogrn", "legal_address"), style="grid"),
        Section(_("The submission"), ("basis", "kind", "text", "material", "page")),
    )
    PERSON_FIELDS = ("full_name", "birthdate", "address")
    ENTITY_FIELDS = ("legal_name", "ogrn", "legal_address")

    def __init__(self, *args, discussion: Discussion, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["material"].queryset = discussion.materials.all()
        self.fields["received_on"].initial = min(discussion.local_date(), discussion.intake_end)

    def clean_ogrn(self) -> str:
        ogrn = self.cleaned_data["ogrn"].strip()
        if ogrn and not (ogrn.isascii() and ogrn.isdigit() and len(ogrn) in (13, 15)):
            raise ValidationError(_("An OGRN has 13 digits, an OGRNIP 15."))
        return ogrn

    def clean(self):
        data = super().clean()
        is_entity = data.get("participant") == self.Participant.LEGAL_ENTITY
        required = self.ENTITY_FIELDS if is_entity else self.PERSON_FIELDS
        for name in required:
            if name not in self.errors and not data.get(name):
                self.add_error(name, _("Required for the protocol's list of participants."))
        return data

    def participant_data(self) -> dict:
        data = self.cleaned_data
        if data["participant"] == self.Participant.LEGAL_ENTITY:
            return {name: data[name] for name in self.ENTITY_FIELDS}
        return {
            "full_name": data["full_name"],
            "birthdate": data["birthdate"].isoformat(),
            "address": data["address"],
        }
