"""The head's forms: to issue an API client, to add a webhook endpoint."""

from django import forms
from django.utils.translation import gettext_lazy as _

from veche.api.models import PUBLIC_EVENTS, Scope, WebhookEvent
from veche.core.forms import SingleLineField
from veche.territories.models import Territory


class ClientForm(forms.Form):
    name = SingleLineField(
        label=_("Name of the system"),
        max_length=200,
        help_text=_("E.g. the document management system; the audit log names it by this name."),
    )
    scopes = forms.MultipleChoiceField(
        label=_("What it may do"),
        choices=Scope.choices,
        widget=forms.CheckboxSelectMultiple,
        initial=[Scope.INBOX_READ, Scope.APPEALS_REGISTER, Scope.APPEALS_ANSWER],
    )


class WebhookForm(forms.Form):
    url = SingleLineField(
        label=_("Endpoint address"),
        max_length=500,
        help_text=_("A public https:// address of your system that accepts POST requests."),
    )
    events = forms.MultipleChoiceField(
        label=_("Events it hears of"),
        choices=WebhookEvent.choices,
        widget=forms.CheckboxSelectMultiple,
        initial=[WebhookEvent.APPEAL_DISPATCHED],
    )


class SubscriberWebhookForm(WebhookForm):
    """A person's endpoint: the public events, of a territory (and inside it) or everywhere."""

    territory = forms.ModelChoiceField(
        label=_("Territory"),
        queryset=Territory.objects.all(),
        required=False,
        empty_label=_("Every territory"),
        help_text=_("Only events of this territory and the territories inside it."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        labels = dict(WebhookEvent.choices)
        self.fields["events"].choices = [(event, labels[event]) for event in PUBLIC_EVENTS]
        self.fields["events"].initial = [WebhookEvent.DISCUSSION_STAGE_CHANGED]
