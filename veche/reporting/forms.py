"""The filters of the e-control dashboard, shared by the page and its exports."""

import datetime

from django import forms
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from veche.discussions.models import Discussion, Stage
from veche.reporting.queries import DashboardScope, Filters, years_of
from veche.reporting.statistics import default_period, whole_months
from veche.territories.queries import picker_territories


def territory_field() -> forms.ModelChoiceField:
    """A territory by its code, standing for itself and everything inside it."""
    return forms.ModelChoiceField(
        label=_("Territory"),
        queryset=picker_territories(),
        to_field_name="code",
        required=False,
        empty_label=_("All territories"),
    )


class DashboardFilterForm(forms.Form):
    territory = territory_field()
    organizer = forms.ModelChoiceField(
        label=_("Organizer"),
        queryset=None,
        to_field_name="slug",
        required=False,
        empty_label=_("All organizers"),
    )
    stage = forms.ChoiceField(
        label=_("Stage"), choices=[("", _("Any stage")), *Stage.choices], required=False
    )
    kind = forms.ChoiceField(
        label=_("Form"),
        choices=[("", _("Any form")), *Discussion.Kind.choices],
        required=False,
    )
    year = forms.TypedChoiceField(
        label=_("Year"),
        help_text=_("The year the exposition opened."),
        coerce=int,
        empty_value=None,
        required=False,
    )
    problems = forms.BooleanField(label=_("Only with problems"), required=False)

    def __init__(self, *args, scope: DashboardScope, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organizer"].queryset = scope.organizers()
        self.fields["year"].choices = [("", _("Any year"))] + [
            (year, str(year)) for year in years_of(scope)
        ]

    def filters(self) -> Filters:
        """The chosen filters; call only once the form is valid."""
        return Filters(**self.cleaned_data)


class StatisticsFilterForm(forms.Form):
    """The public statistics page's filters: a territory (with everything inside it) and a
    period. Empty fields take the defaults: the first city, the last twelve months. The period
    is counted in whole months (docs/statistics.md): its start goes back to the first day of
    its month and its end on to the last day of its own, or to today in this month, so that no
    shorter span of days can be singled out; it starts on `EARLIEST` or later, ends today or
    earlier and spans `MAX_MONTHS` at most."""

    MAX_MONTHS = 60  # a monthly chart of sixty columns is as long as it stays readable
    EARLIEST = datetime.date(2000, 1, 1)

    territory = territory_field()
    start = forms.DateField(
        label=_("From"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    end = forms.DateField(
        label=_("To"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def clean(self):
        data = super().clean()
        if "start" not in data or "end" not in data:
            return data  # a date that could not be read is already an error of its field
        today = timezone.localdate()
        first, last = default_period(today)
        start, end = data["start"] or first, data["end"] or last
        if start < self.EARLIEST:
            self.add_error(
                "start",
                _("The period starts on %(day)s or later.")
                % {"day": formats.date_format(self.EARLIEST, "j E Y")},
            )
        if end > today:
            self.add_error("end", _("The period ends today or earlier."))
        if start > end:
            raise forms.ValidationError(_("The period must start before it ends."))
        if self.errors:
            return data
        start, end = whole_months(start, end, today)
        months = (end.year - start.year) * 12 + end.month - start.month + 1
        if months > self.MAX_MONTHS:
            raise forms.ValidationError(_("Choose a period of five years at most."))
        data["start"], data["end"] = start, end
        return data
