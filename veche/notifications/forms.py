"""The form of a person's e-mail choice."""

from django import forms
from django.utils.translation import gettext_lazy as _

from veche.notifications.models import NotificationPreference


class EmailSettingsForm(forms.Form):
    email_mode = forms.ChoiceField(
        label=_("Send notifications by e-mail"),
        choices=NotificationPreference.EmailMode.choices,
        widget=forms.RadioSelect,
        help_text=_("Notifications always appear on the site, whatever you choose here."),
    )
