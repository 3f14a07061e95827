"""How django-allauth fits Veche: e-mail as the identity, the user's language kept, rate limits
counted per real client behind the proxies."""

from allauth.account.adapter import DefaultAccountAdapter
from django.core.exceptions import PermissionDenied
from django.utils.translation import get_language

from veche.core.net import client_ip


class AccountAdapter(DefaultAccountAdapter):
    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=False)
        user.email = user.email.lower()
        user.preferred_language = (get_language() or "").split("-")[0]
        if commit:
            user.save()
        return user

    def get_client_ip(self, request) -> str:
        # allauth's sign-in, sign-up and reset limits key on this: one function for Veche.
        address = client_ip(request)
        if not address:
            raise PermissionDenied("Unable to determine the client's address")
        return address
