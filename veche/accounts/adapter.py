"""How django-allauth fits Veche: e-mail as the identity, the user's language kept."""

from allauth.account.adapter import DefaultAccountAdapter
from django.utils.translation import get_language


class AccountAdapter(DefaultAccountAdapter):
    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=False)
        user.email = user.email.lower()
        user.preferred_language = (get_language() or "").split("-")[0]
        if commit:
            user.save()
        return user
