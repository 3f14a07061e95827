"""The head's forms: to issue an API client, to add a webhook endpoint."""

from django import forms
from django.utils.translation import gettext_lazy as _

from veche.api.models import Scope, WebhookEvent
from veche.core.forms import SingleLineField


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
