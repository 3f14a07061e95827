"""Forms of the official cabinet: one per action on an appeal. They parse and validate input;
the services in `veche.appeals.services` decide."""

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from veche.appeals.attachments import MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS, AttachmentsField
from veche.appeals.policy import check_registration_day
from veche.core.forms import SingleLineField
from veche.organizations.models import Organization
from veche.organizations.queries import organization_tree


class RegisterForm(forms.Form):
    registration_number = SingleLineField(
        label=_("Registration number"),
        max_length=64,
        help_text=_("As in the organization's register of incoming correspondence."),
    )

    registered_on = forms.DateField(
        label=_("Day of registration"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_(
            "The day it was entered in the register: from the day it arrived to today. "
            "The answer's due date counts from it."
        ),
    )

    def __init__(self, *args, due_date=None, appeal=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.due_date = due_date
        self.appeal = appeal
        self.fields["registered_on"].initial = timezone.localdate()

    def clean_registered_on(self):
        registered_on = self.cleaned_data.get("registered_on") or timezone.localdate()
        if self.appeal is not None:
            check_registration_day(self.appeal, registered_on)
        return registered_on


class MessageForm(forms.Form):
    text = forms.CharField(
        label=_("Message to the author"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The author is notified; the message is not public."),
    )


class SignatoriesMessageForm(forms.Form):
    """A message to everyone who signed the appeal, the author among them."""

    text = forms.CharField(
        label=_("Message to all signatories"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Each signatory is notified and gets it by e-mail, as they chose to be told."),
    )
    public = forms.BooleanField(
        label=_("Show it on the problem's public page"),
        required=False,
        help_text=_("Anyone then reads it in the problem's timeline."),
    )


class AnswerForm(forms.Form):
    """An interim or the final answer."""

    text = forms.CharField(
        label=_("Text of the answer"), max_length=20000, widget=forms.Textarea(attrs={"rows": 8})
    )
    attachments = AttachmentsField(label=_("Attachments"))
    on_letterhead = forms.BooleanField(
        label=_("Issue on the organization's letterhead"), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attachments"].help_text = _(
            "PDF, DOCX, JPEG or PNG; up to %(count)d files of up to %(size)s each."
        ) % {"count": MAX_ATTACHMENTS, "size": filesizeformat(MAX_ATTACHMENT_BYTES)}


class ExtensionForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for the extension"),
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The applicants are told why the answer needs more time."),
    )


class ForwardForm(forms.Form):
    organization = forms.ModelChoiceField(
        label=_("Competent organization"), queryset=Organization.objects.none()
    )
    reason = forms.CharField(
        label=_("Reason for forwarding"),
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The applicants see it."),
    )

    def __init__(self, *args, current: Organization, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["organization"]
        # Only bodies bound to answer appeals (`VECHE_FORWARDING_KINDS`); the service checks too.
        field.queryset = Organization.objects.filter(
            is_active=True, kind__in=settings.VECHE_FORWARDING_KINDS
        ).exclude(pk=current.pk)
        # Choices in tree order, indented, so the competent body is found by its place.
        field.choices = [("", "—")] + [
            (organization.pk, "\u2003" * depth + organization.title)
            for organization, depth in organization_tree(field.queryset)
        ]


class ControlForm(forms.Form):
    under_control = forms.BooleanField(required=False, widget=forms.HiddenInput)
