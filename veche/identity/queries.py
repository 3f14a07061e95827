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


def personal_data(user) -> dict:
    """The person's verifications and property claims, for the personal-data export."""

    def when(value):
        return value.isoformat() if value else None

    return {
        "verifications": [
            {
                "level": v.level,
                "source": v.source,
                "source_reference": v.source_reference,
                "verified_claims": v.verified_claims,
                "verified_at": when(v.verified_at),
                "expires_at": when(v.expires_at),
                "revoked_at": when(v.revoked_at),
                "territory": v.territory.code if v.territory else None,
            }
            for v in user.verifications.select_related("territory")
        ],
        "property_claims": [
            {
                "territory": c.territory.code,
                "kind": c.kind,
                "cadastral_number": c.cadastral_number,
                "status": c.status,
                "created_at": when(c.created_at),
                "reviewed_at": when(c.reviewed_at),
                "review_reason": c.review_reason,
            }
            for c in user.property_claims.select_related("territory")
        ],
    }
