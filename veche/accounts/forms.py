from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from veche.accounts.models import User
from veche.core.forms import SingleLineField


class ProfileForm(forms.ModelForm):
    preferred_language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)

    class Meta:
        model = User
        fields = ["last_name", "first_name", "patronymic", "name_publication", "preferred_language"]
        widgets = {"name_publication": forms.RadioSelect}
        # Names go into signatures, documents and e-mails: each is kept on one line.
        field_classes = dict.fromkeys(["last_name", "first_name", "patronymic"], SingleLineField)
        help_texts = {
            "name_publication": _(
                "This is your separate consent to the publication of your name. Without it the "
                "public sees you as “Participant No. …”, a number of its own on each problem and "
                "discussion. You can withdraw it at any time."
            ),
        }


class SignupConsentForm(forms.Form):
    """Added to allauth's sign-up form: the consent to processing, recorded with its version."""

    field_order = ["email", "password1", "password2", "consent_processing"]

    consent_processing = forms.BooleanField(
        label=_("I agree to the processing of my personal data under the privacy policy."),
        required=True,
        error_messages={"required": _("Without this consent we cannot create an account.")},
    )

    def signup(self, request, user):
        from veche.accounts.services import consent_to_processing

        consent_to_processing(user=user)


class ProcessingConsentForm(forms.Form):
    """Asked of a signed-in person without a consent to the current privacy policy: one who
    came through an identity provider, or whose consent predates a new policy version."""

    consent_processing = forms.BooleanField(
        label=_("I agree to the processing of my personal data under the privacy policy."),
        required=True,
        error_messages={"required": _("Without this consent you cannot use the site.")},
    )


class EraseAccountForm(forms.Form):
    password = forms.CharField(
        label=_("Your password"), widget=forms.PasswordInput, strip=False, required=False
    )
    confirm = forms.BooleanField(
        label=_("I understand that my account and personal data will be erased for good."),
        required=True,
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if not user.has_usable_password():
            del self.fields["password"]

    def clean_password(self):
        password = self.cleaned_data.get("password", "")
        if not self.user.check_password(password):
            raise forms.ValidationError(_("The password is not right."))
        return password
