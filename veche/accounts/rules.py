"""Who must do what in accounts: staff roles require a second factor."""

from django.conf import settings

from veche.organizations.models import Membership


def requires_two_factor(user) -> bool:
    """Administrators and holders of staff roles (head, official, …) must use a second factor."""
    if not user.is_authenticated:
        return False
    if user.is_staff or user.is_superuser:
        return True
    return Membership.objects.filter(user=user, role__in=settings.VECHE_MFA_REQUIRED_ROLES).exists()


def has_two_factor(user) -> bool:
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
