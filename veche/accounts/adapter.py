"""How django-allauth fits Veche: e-mail as the identity, the user's language kept, rate limits
counted per real client behind the proxies, its letters signed by Veche in the reader's language
(`templates/account/email/base_message.txt`)."""

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from veche.core.net import client_ip


class AccountAdapter(DefaultAccountAdapter):
    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=False)
        user.email = user.email.lower()
        user.preferred_language = (get_language() or "").split("-")[0]
        if commit:
            user.save()
        return user

    def format_email_subject(self, subject: str) -> str:
        # Like the digest's subject ("Вече: …"), not a bracketed Latin name in a Russian letter.
        return _("Veche: %(subject)s") % {"subject": subject.strip()}

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        # The letters end with the site's own address, not the host the request came by.
        super().send_mail(template_prefix, email, {"site_url": settings.SITE_URL, **context})

    def get_client_ip(self, request) -> str:
        # allauth's sign-in, sign-up and reset limits key on this: one function for Veche.
        address = client_ip(request)
        if not address:
            raise PermissionDenied("Unable to determine the client's address")
        return address
