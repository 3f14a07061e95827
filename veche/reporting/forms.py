"""The filters of the e-control dashboard, shared by the page and its exports."""

from django import forms
from django.utils.translation import gettext_lazy as _

from veche.discussions.models import Discussion, Stage
from veche.reporting.queries import DashboardScope, Filters, years_of
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
    period of days. Empty fields take the defaults: the first city, the last twelve months."""

    MAX_DAYS = 5 * 366  # a monthly chart of sixty columns is as long as it stays readable

    territory = territory_field()
    start = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and start > end:
            raise forms.ValidationError(_("The period must start before it ends."))
        if start and end and (end - start).days > self.MAX_DAYS:
            raise forms.ValidationError(_("Choose a period of five years at most."))
        return data
