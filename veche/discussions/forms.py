"""Forms of discussions. Organizer forms live in forms_organizer/."""

from django import forms
from django.utils.translation import gettext_lazy as _

from veche.discussions.models import Discussion, Material, Submission
from veche.territories.queries import picker_territories

# No project document has more pages; a bigger number is a forgery the database would choke on.
MAX_PAGE = 100_000


class SubmissionForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What do you send?"),
        choices=Submission.Kind.choices,
        widget=forms.RadioSelect,
        initial=Submission.Kind.PROPOSAL,
    )
    text = forms.CharField(
        label=_("Text"),
        min_length=10,
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 7}),
        help_text=_(
            "Say what should change in the project and why. It is published with its number."
        ),
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
    as_legal_entity = forms.BooleanField(
        label=_("I send it on behalf of the legal entity I represent"), required=False
    )

    def __init__(
        self,
        *args,
        discussion: Discussion,
        kinds=None,
        legal_entity: bool,
        materials=None,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.fields["material"].queryset = discussion.materials.all()
        if materials is not None:  # already read by the page: offered without reading them again
            field = self.fields["material"]
            field.choices = [("", field.empty_label), *((m.pk, m.title) for m in materials)]
        if kinds is not None:
            self.fields["kind"].choices = [c for c in Submission.Kind.choices if c[0] in kinds]
            if len(kinds) == 1:
                self.fields["kind"].initial = kinds[0]
        if not legal_entity:
            del self.fields["as_legal_entity"]


class AnswerForm(forms.Form):
    text = forms.CharField(
        label=_("Answer"), max_length=10_000, widget=forms.Textarea(attrs={"rows": 5})
    )


class ArchiveFilterForm(forms.Form):
    """The public archive's search; every field may be left empty."""

    q = forms.CharField(
        label=_("Words in the title or description"), max_length=200, required=False
    )
    territory = forms.ModelChoiceField(
        label=_("Territory"),
        queryset=None,
        to_field_name="code",
        required=False,
        empty_label=_("All territories"),
    )
    kind = forms.ChoiceField(
        label=_("Form"),
        choices=[("", _("Any form")), *Discussion.Kind.choices],
        required=False,
    )
    year = forms.TypedChoiceField(label=_("Year"), coerce=int, empty_value=None, required=False)

    def __init__(self, *args, years: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["territory"].queryset = picker_territories()
        self.fields["year"].choices = [("", _("Any year"))] + [(y, str(y)) for y in years]

    def clean_q(self) -> str:
        return " ".join(self.cleaned_data["q"].split())


class ReplyForm(forms.Form):
    text = forms.CharField(
        label=_("Your reply"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        help_text=_("Markdown: **bold**, *italic*, lists, links. Published with your number."),
    )
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)


class MeetingRemarkForm(forms.Form):
    """A remark sent online while a hearing's meeting lasts."""

    text = forms.CharField(
        label=_("Your remark"),
        min_length=10,
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "Registered with the hearing's submissions under a number, with a receipt; published "
            "with its number."
        ),
    )
    as_legal_entity = forms.BooleanField(
        label=_("I send it on behalf of the legal entity I represent"), required=False
    )

    def __init__(self, *args, legal_entity: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not legal_entity:
            del self.fields["as_legal_entity"]
