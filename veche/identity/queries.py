"""Read side of identity."""

from urllib.parse import urlsplit

from django.core.cache import cache

from veche.identity.models import IdentityProvider

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
