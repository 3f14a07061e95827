"""Signing in or linking through an identity provider records what it verified."""

from allauth.account.signals import user_signed_up
from allauth.socialaccount.signals import social_account_added, social_account_updated
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.dispatch import receiver

from veche.identity.models import IdentityProvider
from veche.identity.services import verify_with_provider


def _record(request, sociallogin) -> None:
    provider = IdentityProvider.objects.filter(
        slug=sociallogin.account.provider, is_enabled=True
    ).first()
    if provider is None:
        return
    extra = sociallogin.account.extra_data or {}
    # Userinfo is fuller; the signed ID token wins where both speak.
    data = {**(extra.get("userinfo") or {}), **(extra.get("id_token") or {})}
    data.setdefault("sub", sociallogin.account.uid)
    try:
        verify_with_provider(user=sociallogin.user, provider=provider, data=data)
    except ValidationError as refusal:
        # The provider account confirms someone else's Veche account: this one stays unverified.
        if request is not None:
            messages.error(request, " ".join(refusal.messages))


@receiver(social_account_added)
@receiver(social_account_updated)
def record_verification_from_provider(sender, request, sociallogin, **kwargs):
    _record(request, sociallogin)


@receiver(user_signed_up)
def record_verification_on_sign_up(sender, request, user, sociallogin=None, **kwargs):
    if sociallogin is not None:
        _record(request, sociallogin)
