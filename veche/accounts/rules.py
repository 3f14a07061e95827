"""Who must do what in accounts: staff roles require a second factor."""

from django.conf import settings

from veche.organizations.rules import holds_role


def requires_two_factor(user) -> bool:
    """Administrators and holders of staff roles (head, official, …) must use a second factor."""
    if not user.is_authenticated:
        return False
    if user.is_staff or user.is_superuser:
        return True
    return holds_role(user, roles=settings.VECHE_MFA_REQUIRED_ROLES)


def has_two_factor(user) -> bool:
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
