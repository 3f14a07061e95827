from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from veche.accounts.models import User


class ProfileForm(forms.ModelForm):
    preferred_language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)

    class Meta:
        model = User
        fields = ["last_name", "first_name", "patronymic", "name_publication", "preferred_language"]
        widgets = {"name_publication": forms.RadioSelect}
        help_texts = {
            "name_publication": _(
                "This is your separate consent to the publication of your name. Without it the "
                "public sees you as “Participant No. …”. You can withdraw it at any time."
            ),
        }
