"""Read side of identity."""

from urllib.parse import urlsplit

from django.core.cache import cache
from django.utils import timezone

from veche.identity.models import IdentityProvider, PhoneCode

_ORIGINS_KEY = "veche:identity-provider-origins"


def provider_origins() -> list[str]:
    """Origins of the enabled identity providers: sign-in forms are redirected there."""
    origins = cache.get(_ORIGINS_KEY)
    if origins is None:
        origins = sorted(
            {
                f"{parts.scheme}://{parts.netloc}"
                for parts in (
                    urlsplit(issuer)
                    for issuer in IdentityProvider.objects.filter(is_enabled=True).values_list(
                        "issuer", flat=True
                    )
                )
            }
        )
        cache.set(_ORIGINS_KEY, origins, timeout=60)
    return origins


def forget_provider_origins() -> None:
    cache.delete(_ORIGINS_KEY)


def pending_phone_code(user, now=None) -> PhoneCode | None:
    """The code the person is expected to enter now, if any."""
    code = PhoneCode.objects.filter(user=user, status=PhoneCode.Status.PENDING).first()
    return code if code and code.is_open_on(now or timezone.now()) else None
