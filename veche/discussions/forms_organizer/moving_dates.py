"""The schedule of a published discussion: moving a date, the reason of a change, publishing."""

from django import forms
from django.utils.translation import gettext_lazy as _

from veche.discussions.models import Discussion
from veche.discussions.schedule import DATE_FIELDS, MOVABLE_FIELDS

from ._common import REASON_TEXT, LocalDateTimeField, ScheduleDateField, in_zone


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
