from decimal import ROUND_HALF_UP, Decimal

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

from veche.appeals.diff import percent
from veche.appeals.models import Category, Problem
from veche.core.forms import SingleLineField
from veche.core.images import strip_metadata
from veche.organizations.models import Organization
from veche.territories.geo import check_point
from veche.territories.models import Territory

MAX_PHOTO_BYTES = 8 * 1024 * 1024
MAX_PHOTOS = 5
IMAGE_SIGNATURES = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff")


def is_photo(head: bytes) -> bool:
    """JPEG, PNG or WebP by the first twelve bytes. RIFF alone is not enough: a WAV or AVI
    file starts with it too; a WebP says WEBP after the length."""
    return head.startswith(IMAGE_SIGNATURES) or (head[:4] == b"RIFF" and head[8:12] == b"WEBP")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        if len(files) > MAX_PHOTOS:
            raise forms.ValidationError(_("At most %(count)s photos.") % {"count": MAX_PHOTOS})
        cleaned = []
        for upload in files:
            if upload.size > MAX_PHOTO_BYTES:
                raise forms.ValidationError(
                    _("“%(name)s” is larger than 8 MB.") % {"name": upload.name}
                )
            head = upload.read(12)
            upload.seek(0)
            if not is_photo(head):
                raise forms.ValidationError(
                    _("“%(name)s” is not a JPEG, PNG or WebP photo.") % {"name": upload.name}
                )
            # Kept without EXIF: a phone's photo tells where it was taken, often at home.
            cleaned.append(strip_metadata(upload))
        return cleaned


class CoordinateField(forms.DecimalField):
    """Degrees of latitude or longitude, typed or set by the map. A decimal comma is read as a
    point, and extra decimals are rounded to six (about 10 cm) rather than refused."""

    def __init__(self, *, limit: int, invalid: str, out_of_range: str, **kwargs):
        self.limit, self.out_of_range = limit, out_of_range
        super().__init__(
            required=False,
            max_digits=9,
            decimal_places=6,
            validators=[
                MinValueValidator(-limit, message=out_of_range),
                MaxValueValidator(limit, message=out_of_range),
            ],
            error_messages={"invalid": invalid},
            widget=forms.NumberInput(
                attrs={"step": "any", "min": -limit, "max": limit, "inputmode": "decimal"}
            ),
            **kwargs,
        )

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip().replace(",", ".")
        number = super().to_python(value)
        if number is None:
            return None
        if not number.is_finite():
            return number  # refused by `validate` as no number
        # Refused before rounding: "1e309" or a thousand nines do not round to six places.
        if abs(number) > self.limit:
            raise forms.ValidationError(self.out_of_range, code="out_of_range")
        return number.quantize(Decimal("0.000001"), rounding=ROUND_HALF_UP)


# The territories a problem is published in (a region or the country is too wide a place).
PLACE_KINDS = [
    Territory.Kind.CITY,
    Territory.Kind.DISTRICT,
    Territory.Kind.SETTLEMENT,
    Territory.Kind.NEIGHBOURHOOD,
]


# What the problem form hands `publish_problem` as it is.
PUBLISHED_FIELDS = (
    "title",
    "description",
    "category",
    "territory",
    "appeal_text",
    "address",
    "latitude",
    "longitude",
    "photos",
)


class ProblemForm(forms.Form):
    title = SingleLineField(
        label=_("What is the problem?"),
        max_length=200,
        min_length=10,
        help_text=_("In one line, e.g. “Potholes in the yard of 5 Pushkin St.”"),
    )
    category = forms.ModelChoiceField(label=_("Category"), queryset=Category.objects.all())
    territory = forms.ModelChoiceField(label=_("Where"), queryset=Territory.objects.none())
    address = SingleLineField(
        label=_("Address or landmark"),
        max_length=300,
        required=False,
        help_text=_("E.g. “yard of 12 Pushkin St.” or “bus stop Prospekt Yamasheva”."),
    )
    latitude = CoordinateField(
        label=_("Latitude"),
        limit=90,
        help_text=_("Degrees north, e.g. 55.7963."),
        invalid=_("Enter the latitude as a number of degrees, e.g. 55.7963."),
        out_of_range=_("Latitude lies between −90 and 90 degrees."),
    )
    longitude = CoordinateField(
        label=_("Longitude"),
        limit=180,
        help_text=_("Degrees east, e.g. 49.1088."),
        invalid=_("Enter the longitude as a number of degrees, e.g. 49.1088."),
        out_of_range=_("Longitude lies between −180 and 180 degrees."),
    )
    description = forms.CharField(
        label=_("Describe the problem"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=10000,
        min_length=20,
    )
    appeal_text = forms.CharField(
        label=_("Text of the collective appeal"),
        widget=forms.Textarea(attrs={"rows": 10}),
        max_length=20000,
        min_length=50,
        help_text=_(
            "What you and your neighbours ask the organization to do. Signatories may "
            "propose edits; every version is kept."
        ),
    )
    organization = forms.ModelChoiceField(
        label=_("Addressee"),
        required=False,
        queryset=Organization.objects.filter(is_active=True),
        help_text=_("Veche proposes the organization that answers for this; you may change it."),
    )
    photos = PhotosField(
        label=_("Photos"),
        required=False,
        help_text=_("Up to 5 photos, JPEG, PNG or WebP, 8 MB each."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["territory"].queryset = Territory.objects.filter(kind__in=PLACE_KINDS).order_by(
            "path"
        )
        for name in ("territory", "category", "organization"):
            self.fields[name].label_from_instance = lambda obj: obj.title

    def problem_fields(self) -> dict:
        """The checked fields as `publish_problem` takes them (but the addressee, which the
        page and the Open311 endpoint each settle in their own way)."""
        return {name: self.cleaned_data[name] for name in PUBLISHED_FIELDS}

    def clean(self):
        data = super().clean()
        latitude, longitude = data.get("latitude"), data.get("longitude")
        if self.has_error("latitude") or self.has_error("longitude"):
            return data
        if (latitude is None) != (longitude is None):
            self.add_error(
                "longitude" if longitude is None else "latitude",
                _("Give both latitude and longitude, or leave both empty."),
            )
        elif latitude is not None and data.get("territory") is not None:
            try:
                check_point(data["territory"], latitude, longitude)
            except ValidationError as error:
                self.add_error("latitude", error)
        return data


class RevisionForm(forms.Form):
    text = forms.CharField(
        label=_("Text of the appeal"),
        widget=forms.Textarea(attrs={"rows": 12}),
        max_length=20000,
        min_length=50,
    )
    substantive = forms.BooleanField(
        label=_("This changes the substance: ask signatories to confirm"),
        required=False,
        initial=True,
    )
    note = forms.CharField(label=_("What changed"), max_length=300, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Built here, not at import: the limit is a setting, the text in the reader's language.
        self.fields["substantive"].help_text = _(
            "Until they confirm, the signatures given to the earlier text do not count and do "
            "not go to the addressee. A change of more than %(limit)s%% of the words is one of "
            "substance even unticked; a smaller one unticked keeps the signatures."
        ) % {"limit": percent(settings.VECHE_MINOR_EDIT_MAX_SHARE)}


class EditProposalForm(forms.Form):
    text = forms.CharField(
        label=_("Your version of the text"),
        widget=forms.Textarea(attrs={"rows": 12}),
        max_length=20000,
        min_length=50,
    )
    note = forms.CharField(label=_("Why"), max_length=300, required=False)


class CommentForm(forms.Form):
    text = forms.CharField(
        label=_("Your comment"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        help_text=_("Markdown: **bold**, *italic*, lists, links."),
    )
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)


class RatingForm(forms.Form):
    score = forms.TypedChoiceField(
        label=_("Your rating of the answer"),
        coerce=int,
        choices=[(n, str(n)) for n in range(5, 0, -1)],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        required=False,
    )
    # Which of the problem's appeals is rated: an earlier one's window outlives its escalation.
    appeal = forms.IntegerField(required=False, widget=forms.HiddenInput)


class CloseForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("How did it end?"),
        widget=forms.RadioSelect,
        choices=[
            (Problem.Status.SOLVED, _("Solved")),
            (Problem.Status.PARTLY_SOLVED, _("Partly solved")),
            (Problem.Status.UNSOLVED, _("Not solved")),
        ],
    )


class EscalateForm(forms.Form):
    organization = forms.ModelChoiceField(
        label=_("Send a new appeal to"), queryset=Organization.objects.filter(is_active=True)
    )

    def __init__(self, *args, current=None, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["organization"]
        if current is not None:  # the addressee that did not answer is no choice
            field.queryset = field.queryset.exclude(pk=current.pk)
        field.label_from_instance = lambda obj: obj.title


class FilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    territory = forms.CharField(required=False, max_length=64)
    organization = forms.CharField(required=False, max_length=64)
    status = forms.ChoiceField(
        required=False,
        choices=[
            ("", _("Any status")),
            ("collecting", _("Collecting signatures")),
            ("sent", _("Sent, awaiting answer")),
            ("overdue", _("Answer overdue")),
            ("answered", _("Answered")),
            ("solved", _("Solved")),
            ("unsolved", _("Not solved")),
        ],
    )
    category = forms.CharField(required=False, max_length=50)
    sort = forms.ChoiceField(
        label=_("Order"),
        required=False,
        choices=[("", _("Newest first")), ("support", _("Most signatures first"))],
    )


class InvalidationForm(forms.Form):
    """A moderator's choice of signatures to count out: one, or all from a source network in a
    window (the times are the site's local time)."""

    problem = forms.IntegerField(label=_("Problem number"), min_value=1, max_value=2**31 - 1)
    signature = forms.IntegerField(
        label=_("One signature: its number"),
        required=False,
        min_value=1,
        max_value=2**31 - 1,
        help_text=_("Leave empty to invalidate every signature from the source network below."),
    )
    source = forms.RegexField(
        label=_("Source network"),
        regex=r"^[0-9a-f]{16}$",
        required=False,
        error_messages={"invalid": _("A source network is 16 characters, 0–9 and a–f.")},
    )
    since = forms.DateTimeField(
        label=_("Signed from"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    until = forms.DateTimeField(
        label=_("Signed before"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    ground = forms.CharField(
        label=_("Ground"),
        min_length=10,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Shown on the appeal's page and told to the signatories."),
    )

    def clean(self):
        data = super().clean()
        if bool(data.get("signature")) == bool(data.get("source")):
            raise ValidationError(_("Choose either one signature or a source network."))
        return data


class TakeUpForm(forms.Form):
    """An organization's letter taking up a problem: in whose name, and what it says."""

    organization = forms.ModelChoiceField(
        queryset=Organization.objects.none(), label=_("On behalf of"), empty_label=None
    )
    text = forms.CharField(
        label=_("Text of the letter"),
        widget=forms.Textarea(attrs={"rows": 10}),
        max_length=5000,
        help_text=_(
            "Why the organization supports the residents and what it asks the addressee to do. "
            "The letter is public: name no resident."
        ),
    )

    def __init__(self, choices, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Only the person's own organizations that have not taken it up yet: any other is refused.
        field = self.fields["organization"]
        field.queryset = Organization.objects.filter(
            pk__in=[organization.pk for organization in choices if not organization.taken]
        ).order_by("slug")

    def clean_text(self):
        from veche.appeals.services import clean_letter_text

        return clean_letter_text(self.cleaned_data["text"])
