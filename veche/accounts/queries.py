"""Reads about accounts."""

from django.conf import settings

from veche.accounts.models import Consent


def has_current_processing_consent(user) -> bool:
    """Whether the person's consent to processing covers the current privacy policy version."""
    return Consent.objects.filter(
        user=user,
        kind=Consent.Kind.PROCESSING,
        text_version=settings.VECHE_PRIVACY_POLICY_VERSION,
        withdrawn_at__isnull=True,
    ).exists()
