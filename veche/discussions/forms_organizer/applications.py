"""Applications of landowners and developers, and the decision on them."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from veche.core.forms import SingleLineField
from veche.discussions.materials import sniff
from veche.discussions.models import Application, Discussion
from veche.organizations.models import Organization
from veche.territories.models import Territory

from ._common import LONG_TEXT, REASON_TEXT, TerritoryChoiceField


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
