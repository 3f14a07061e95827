"""Forms of the organizer's side: putting a project forward, its documents, the schedule, the
review, paper submissions, progress, and the applications of landowners and developers.

The forms parse and check what a person typed; the rules of the process (the order of dates,
the periods of the law, who may act at which stage) stay in services.py and schedule.py, whose
errors the views put back onto these forms' fields."""

import datetime
import re
import zoneinfo
from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from veche.accounts.models import User
from veche.core.forms import SingleLineField
from veche.discussions.forms import MAX_PAGE
from veche.discussions.materials import sniff
from veche.discussions.models import Application, Discussion, Material, Submission
from veche.discussions.schedule import DATE_FIELDS, MOVABLE_FIELDS
from veche.discussions.services import LEVELS
from veche.identity.models import Level
from veche.organizations.models import Organization
from veche.territories.models import Territory

# The longest texts the forms take (the database would take any): a description or the
# conclusions, and a reason or a note.
LONG_TEXT = 20_000
REASON_TEXT = 5_000

# A suggested intake, in days (the law sets no length; the organizer changes it at will).
SUGGESTED_INTAKE_DAYS = 14
# Days between the protocol and the conclusion in a suggested schedule.
SUGGESTED_CONCLUSION_DAYS = 3


def suggested_schedule(today: datetime.date) -> dict[str, datetime.date]:
    """A lawful schedule starting tomorrow: the notice lead time and the protocol period come
    from the settings, and for the subjects with a one-month limit it fits inside it."""
    day = datetime.timedelta(days=1)
    notice = today + day
    exposition = notice + settings.VECHE_DISCUSSION_NOTICE_DAYS * day
    intake_end = exposition + (SUGGESTED_INTAKE_DAYS - 1) * day
    protocol = intake_end + settings.VECHE_DISCUSSION_PROTOCOL_DAYS * day
    return {
        "notice_date": notice,
        "exposition_start": exposition,
        "intake_start": exposition,
        "intake_end": intake_end,
        "exposition_end": intake_end,
        "protocol_due": protocol,
        "conclusion_due": protocol + SUGGESTED_CONCLUSION_DAYS * day,
    }


def default_min_level() -> int:
    return LEVELS[settings.VECHE_DISCUSSION_MIN_LEVEL]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


# No schedule reaches further from today; a date beyond is a typo or a forgery, and near the
# year 9999 the day after a period's end does not exist.
SCHEDULE_REACH_YEARS = 10


def validate_within_reach(value: datetime.date | datetime.datetime) -> None:
    day = value.date() if isinstance(value, datetime.datetime) else value
    if abs((day - timezone.localdate()).days) > SCHEDULE_REACH_YEARS * 366:
        raise ValidationError(
            _("Give a date within %(years)s years of today."),
            code="out_of_reach",
            params={"years": SCHEDULE_REACH_YEARS},
        )


class ScheduleDateField(forms.DateField):
    """A day of a discussion's schedule."""

    widget = DateInput
    default_validators = [validate_within_reach]


class LocalDateTimeField(forms.DateTimeField):
    """A date and time as the organizer reads them on the discussion's clock: kept naive here
    and given the discussion's time zone by the form, not the site's."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
    default_validators = [validate_within_reach]

    def to_python(self, value):
        result = super().to_python(value)
        if result is not None and timezone.is_aware(result):
            result = timezone.make_naive(result)
        return result


def in_zone(naive: datetime.datetime | None, zone_name: str) -> datetime.datetime | None:
    if naive is None:
        return None
    return naive.replace(tzinfo=zoneinfo.ZoneInfo(zone_name))


def local_naive(moment: datetime.datetime | None, zone_name: str) -> datetime.datetime | None:
    if moment is None:
        return None
    return moment.astimezone(zoneinfo.ZoneInfo(zone_name)).replace(tzinfo=None)


class TerritoryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, territory: Territory) -> str:
        return "\u2003" * territory.depth + territory.title


class TerritoriesField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, territory: Territory) -> str:
        return "\u2003" * territory.depth + territory.title


class ExpertsField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, user: User) -> str:
        return f"{user.private_name} ({user.email})" if user.full_name else user.email


def _zone_choices() -> list[tuple[str, str]]:
    return [(name, name.replace("_", " ")) for name in sorted(zoneinfo.available_timezones())]


@dataclass(frozen=True)
class Section:
    """A group of fields with a legend; `style` is "grid" (short fields side by side) or
    "columns" (a long list of boxes)."""

    legend: str
    names: tuple[str, ...]
    style: str = ""
    note: str = ""


class FieldsetsMixin:
    """A long form shown as a few short ones."""

    sections: tuple[Section, ...] = ()

    def grouped(self):
        for section in self.sections:
            fields = [
                self[name]
                for name in section.names
                if name in self.fields and not self.fields[name].widget.is_hidden
            ]
            if fields:
                yield section, fields


def _emails(text: str) -> list[str]:
    return [part for part in re.split(r"[\s,;]+", text.strip()) if part]


class DiscussionForm(FieldsetsMixin, forms.Form):
    """The project, its schedule, who may take part and its experts: a draft in one form."""

    organizer = forms.ModelChoiceField(
        label=_("Organizer"), queryset=Organization.objects.none(), empty_label=None
    )
    kind = forms.ChoiceField(
        label=_("Form"),
        choices=Discussion.Kind.choices,
        widget=forms.RadioSelect,
        initial=Discussion.Kind.DISCUSSION,
        help_text=_("A public hearing adds a meeting of participants."),
    )
    subject = forms.ChoiceField(label=_("Subject"), choices=Discussion.Subject.choices)
    title = SingleLineField(label=_("Title"), max_length=300)
    description = forms.CharField(
        label=_("Description"),
        max_length=LONG_TEXT,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "What the project proposes and where. Markdown: *emphasis*, lists with “-”, links."
        ),
    )
    territory = TerritoryChoiceField(
        label=_("Territory concerned"), queryset=Territory.objects.order_by("path")
    )
    time_zone = forms.ChoiceField(
        label=_("Time zone of the schedule"),
        choices=_zone_choices,
        help_text=_("Each period opens at midnight of its first day and ends after its last."),
    )
    notice_date = ScheduleDateField(label=_("Notice published on"))
    exposition_start = ScheduleDateField(label=_("Exposition opens on"))
    intake_start = ScheduleDateField(label=_("Submissions taken from"))
    intake_end = ScheduleDateField(label=_("Submissions taken until"))
    exposition_end = ScheduleDateField(label=_("Exposition closes on"))
    protocol_due = ScheduleDateField(label=_("Protocol due on"))
    conclusion_due = ScheduleDateField(label=_("Conclusion due on"))
    exposition_place = SingleLineField(label=_("Exposition place"), max_length=300, required=False)
    exposition_hours = forms.CharField(
        label=_("Visiting days and hours"),
        max_length=300,
        required=False,
        help_text=_("For example: weekdays 10:00–18:00, consultations on Tuesdays 15:00–17:00."),
    )
    meeting_at = LocalDateTimeField(
        label=_("Meeting of participants: date and time"),
        required=False,
        help_text=_("Required for a public hearing; on the schedule's clock."),
    )
    meeting_place = SingleLineField(label=_("Meeting place"), max_length=300, required=False)
    eligible_territories = TerritoriesField(
        label=_("Residents of these territories take part"),
        queryset=Territory.objects.order_by("path"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Places inside a chosen territory are included. None chosen: the territory concerned."
        ),
    )
    owners_qualify = forms.BooleanField(
        label=_("Right holders of land, buildings or premises there take part too"),
        required=False,
        initial=True,
    )
    min_age = forms.IntegerField(
        label=_("Minimum age"),
        min_value=0,
        max_value=120,
        help_text=_("0: no minimum age."),
    )
    min_level = forms.TypedChoiceField(
        label=_("Identity confirmed at least by"),
        choices=[(level.value, level.label) for level in Level if level != Level.NONE],
        coerce=int,
    )
    experts = ExpertsField(
        label=_("Experts of the organizer"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    expert_emails = forms.CharField(
        label=_("Other experts, by e-mail"),
        max_length=2_000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One address per line; each must belong to an account on the site."),
    )
    accept_warnings = forms.BooleanField(
        label=_("I know the schedule breaks these periods; save it all the same"),
        required=False,
    )

    sections = (
        Section(
            _("The project"),
            ("organizer", "kind", "subject", "title", "description", "territory"),
        ),
        Section(
            _("Schedule"),
            ("time_zone", *DATE_FIELDS),
            style="grid",
            note=_(
                "The suggested dates keep the periods of the law. The notice comes out at least "
                "the set number of days before the exposition; submissions are taken while the "
                "exposition is open."
            ),
        ),
        Section(
            _("Exposition and meeting"),
            ("exposition_place", "exposition_hours", "meeting_at", "meeting_place"),
            style="grid",
        ),
        Section(
            _("Who may take part"),
            ("eligible_territories", "owners_qualify", "min_age", "min_level"),
            style="columns",
        ),
        Section(_("Experts"), ("experts", "expert_emails")),
    )

    DISCUSSION_FIELDS = (
        "kind",
        "subject",
        "title",
        "description",
        "territory",
        "time_zone",
        *DATE_FIELDS,
        "exposition_place",
        "exposition_hours",
        "meeting_at",
        "meeting_place",
    )

    def __init__(self, *args, organizations, expert_candidates, warnings=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.warnings = list(warnings)
        self.fields["organizer"].queryset = organizations
        if organizations.count() <= 1:
            self.fields["organizer"].widget = forms.HiddenInput()
        self.fields["experts"].queryset = expert_candidates
        if not expert_candidates.exists():
            del self.fields["experts"]
        self.fields["time_zone"].initial = settings.TIME_ZONE
        self.fields["min_age"].initial = settings.VECHE_DISCUSSION_MIN_AGE
        self.fields["min_level"].initial = default_min_level()
        if not self.warnings:
            self.fields["accept_warnings"].widget = forms.HiddenInput()

    @classmethod
    def initial_from(cls, discussion: Discussion, rule) -> dict:
        """What the form shows for an existing draft."""
        initial = {name: getattr(discussion, name) for name in cls.DISCUSSION_FIELDS}
        initial["organizer"] = discussion.organizer_id
        initial["meeting_at"] = local_naive(discussion.meeting_at, discussion.time_zone)
        initial["experts"] = list(discussion.experts.all())
        if rule is not None:
            initial |= {
                "eligible_territories": list(rule.territories.all()),
                "owners_qualify": rule.owners_qualify,
                "min_age": rule.min_age or 0,
                "min_level": rule.min_level,
            }
        return initial

    def clean_expert_emails(self) -> list[User]:
        experts, unknown = [], []
        for address in _emails(self.cleaned_data["expert_emails"]):
            try:
                validate_email(address)
            except ValidationError:
                unknown.append(address)
                continue
            user = User.objects.filter(email__iexact=address).first()
            if user is None:
                unknown.append(address)
            else:
                experts.append(user)
        if unknown:
            raise ValidationError(
                _("No account has the address %(addresses)s: the expert signs up first."),
                params={"addresses": ", ".join(unknown)},
            )
        return experts

    def clean(self):
        data = super().clean()
        if data.get("time_zone") and data.get("meeting_at"):
            data["meeting_at"] = in_zone(data["meeting_at"], data["time_zone"])
        return data

    def discussion_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.DISCUSSION_FIELDS}

    def eligibility(self) -> dict:
        data = self.cleaned_data
        return {
            "territories": list(data["eligible_territories"]) or [data["territory"]],
            "owners_qualify": data["owners_qualify"],
            "min_age": data["min_age"],
            "min_level": data["min_level"],
        }

    def chosen_experts(self) -> list[User]:
        chosen = list(self.cleaned_data.get("experts") or [])
        for user in self.cleaned_data.get("expert_emails") or []:
            if user not in chosen:
                chosen.append(user)
        return chosen


# --- Materials ------------------------------------------------------------------------------


class MaterialForm(forms.Form):
    title = SingleLineField(
        label=_("Title of the document"),
        max_length=300,
        help_text=_("As participants will see it, e.g. “Explanatory note”."),
    )
    file = forms.FileField(label=_("File"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _("PDF, PNG or JPEG, at most %(mb)s MB.") % {
            "mb": settings.VECHE_MATERIAL_MAX_MB
        }


class MaterialVersionForm(forms.Form):
    file = forms.FileField(label=_("New version"))
    note = forms.CharField(
        label=_("What changed"),
        max_length=300,
        required=False,
        help_text=_("Participants see it next to the version. Required once published."),
    )

    def __init__(self, *args, material: Material, **kwargs):
        kwargs.setdefault("prefix", f"material-{material.pk}")
        super().__init__(*args, **kwargs)
        self.material = material
        self.fields["file"].help_text = _("PDF, PNG or JPEG, at most %(mb)s MB.") % {
            "mb": settings.VECHE_MATERIAL_MAX_MB
        }


# --- The schedule of a published discussion --------------------------------------------------


def _movable_choices():
    return [
        (name, Discussion._meta.get_field(name).verbose_name.capitalize())
        for name in MOVABLE_FIELDS
    ]


class MoveDateForm(forms.Form):
    field = forms.ChoiceField(label=_("Which date"), choices=_movable_choices)
    day = ScheduleDateField(label=_("New date"), required=False)
    meeting_at = LocalDateTimeField(
        label=_("New date and time of the meeting"),
        required=False,
        help_text=_("Only when moving the meeting of participants."),
    )
    move_later = forms.BooleanField(
        label=_("Move the later dates by as many days"),
        required=False,
        initial=True,
        help_text=_(
            "Extending the intake then moves the exposition's end, the protocol and the "
            "conclusion with it."
        ),
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=REASON_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Published with the change and kept for good."),
    )
    accept_warnings = forms.BooleanField(
        label=_("I know the new schedule breaks these periods; move the date all the same"),
        required=False,
    )

    def __init__(self, *args, discussion: Discussion, warnings=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.discussion = discussion
        self.warnings = list(warnings)
        if not self.warnings:
            self.fields["accept_warnings"].widget = forms.HiddenInput()

    def clean(self):
        data = super().clean()
        field = data.get("field")
        if field == "meeting_at":
            if not data.get("meeting_at"):
                self.add_error("meeting_at", _("Give the new date and time of the meeting."))
            else:
                data["value"] = in_zone(data["meeting_at"], self.discussion.time_zone)
        elif field:
            if not data.get("day"):
                self.add_error("day", _("Give the new date."))
            else:
                data["value"] = data["day"]
        return data

    def values(self) -> dict:
        """The dates to move: the chosen one, and when asked, every later one of the schedule
        by the same number of days (the meeting stays where it is)."""
        field, value = self.cleaned_data["field"], self.cleaned_data["value"]
        values = {field: value}
        if field in DATE_FIELDS and self.cleaned_data["move_later"]:
            shift = value - getattr(self.discussion, field)
            for later in DATE_FIELDS[DATE_FIELDS.index(field) + 1 :]:
                values[later] = getattr(self.discussion, later) + shift
        return values


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=REASON_TEXT,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Published on the discussion's page and sent to its followers."),
    )


class PublishForm(forms.Form):
    accept_warnings = forms.BooleanField(
        label=_("I know the schedule breaks these periods; publish it all the same"),
        required=False,
    )


# --- Review -----------------------------------------------------------------------------------


class RecommendationForm(forms.Form):
    recommendation = forms.ChoiceField(
        label=_("Recommendation"),
        choices=Submission.Recommendation.choices,
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reasons"),
        max_length=REASON_TEXT,
        min_length=5,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Published with the submission and in the conclusion."),
    )

    def __init__(self, *args, submission: Submission, **kwargs):
        kwargs.setdefault("prefix", f"s{submission.pk}")
        kwargs.setdefault(
            "initial",
            {
                "recommendation": submission.recommendation or None,
                "reason": submission.recommendation_reason,
            },
        )
        super().__init__(*args, **kwargs)
        self.submission = submission


class ConclusionForm(forms.Form):
    text = forms.CharField(
        label=_("Overall conclusions"),
        max_length=LONG_TEXT,
        min_length=10,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "The organizer's reasoned conclusions on the results, printed in the conclusion. "
            "Once published, the conclusion never changes."
        ),
    )


# --- Submissions received on paper, at the meeting or in the visitors' book -------------------


class PaperSubmissionForm(FieldsetsMixin, forms.Form):
    class Participant:
        PERSON = "person"
        LEGAL_ENTITY = "legal_entity"

    channel = forms.ChoiceField(
        label=_("Received"),
        choices=[c for c in Submission.Channel.choices if c[0] != Submission.Channel.SITE],
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


# --- Progress after the decision ----------------------------------------------------------------


class ProposalChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, submission: Submission) -> str:
        text = submission.text if len(submission.text) <= 80 else submission.text[:79] + "…"
        return f"{submission.words.numbered}: {text}"


class MilestoneForm(forms.Form):
    submission = ProposalChoiceField(
        label=_("On"),
        queryset=Submission.objects.none(),
        required=False,
        empty_label=_("The discussion's decision as a whole"),
        help_text=_("Or one accepted proposal: its author is told."),
    )
    title = SingleLineField(label=_("What was done"), max_length=300)
    percent = forms.IntegerField(label=_("Done, %"), min_value=0, max_value=100)
    note = forms.CharField(
        label=_("Details (optional)"),
        max_length=REASON_TEXT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, discussion: Discussion, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["submission"].queryset = discussion.submissions.filter(
            recommendation__in=(
                Submission.Recommendation.ACCEPTED,
                Submission.Recommendation.PARTLY,
            ),
            hidden_at__isnull=True,
        ).order_by("number")


# --- Applications -------------------------------------------------------------------------------


class ApplicationForm(forms.Form):
    organization = forms.ModelChoiceField(
        label=_("Authority asked to hold the discussion"),
        queryset=Organization.objects.filter(
            is_active=True, kind=Organization.Kind.AUTHORITY
        ).order_by("slug"),
    )
    subject = forms.ChoiceField(label=_("Subject"), choices=Discussion.Subject.choices)
    title = SingleLineField(label=_("Project"), max_length=300)
    description = forms.CharField(
        label=_("Description"),
        max_length=LONG_TEXT,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What is planned, where, and why it needs a public discussion."),
    )
    territory = TerritoryChoiceField(
        label=_("Territory"), queryset=Territory.objects.order_by("path")
    )
    document = forms.FileField(
        label=_("Project documents (PDF)"),
        help_text=_("One PDF file with the project's materials."),
    )

    def clean_document(self):
        document = self.cleaned_data["document"]
        document.seek(0)
        head = document.read(16)
        document.seek(0)
        if sniff(head) != "application/pdf":
            raise ValidationError(_("Attach the project as a PDF document."))
        return document


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            ("accept", _("Accept: a discussion will be prepared")),
            ("refuse", _("Refuse")),
        ],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=REASON_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The applicant sees it."),
    )

    def __init__(self, *args, application: Application, **kwargs):
        kwargs.setdefault("prefix", f"a{application.pk}")
        super().__init__(*args, **kwargs)
        self.application = application
