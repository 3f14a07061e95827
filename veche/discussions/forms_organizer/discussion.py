"""The form that puts a project forward: the discussion, its schedule and its eligibility."""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy as _

from veche.accounts.models import User
from veche.core.forms import SingleLineField
from veche.discussions.models import Discussion
from veche.discussions.schedule import DATE_FIELDS
from veche.identity.models import Level
from veche.organizations.models import Organization
from veche.territories.models import Territory

from ._common import (
    LONG_TEXT,
    ExpertsField,
    FieldsetsMixin,
    LocalDateTimeField,
    ScheduleDateField,
    Section,
    TerritoriesField,
    TerritoryChoiceField,
    _emails,
    _zone_choices,
    default_min_level,
    in_zone,
    local_naive,
)


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
