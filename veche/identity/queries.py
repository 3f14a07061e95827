"""Read side of identity."""

from urllib.parse import urlsplit

from django.core.cache import cache
from django.utils import timezone

from veche.core import stamped
from veche.identity.models import IdentityProvider, PhoneCode, PropertyClaim
from veche.identity.rules import reviewable_territory_paths

ORIGINS_KEY = "veche:identity-provider-origins"


def provider_origins() -> list[str]:
    """Origins of the enabled identity providers: sign-in forms are redirected there."""
    origins = stamped.get(ORIGINS_KEY)  # read on every answer: read ahead with the others
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
        cache.set(ORIGINS_KEY, origins, timeout=60)
    return origins


def forget_provider_origins() -> None:
    cache.delete(ORIGINS_KEY)
    stamped.forget_read_ahead(ORIGINS_KEY)


def verified_name(user, now=None, *, verifications=None) -> str:
    """The person's name as a valid verification confirmed it (the highest level first), or ""
    when none names them. The profile's name is only how the person likes to be addressed:
    whatever is signed in their name takes this one. `verifications`: the person's unrevoked
    ones in that order, when the caller has read them already."""
    now = now or timezone.now()
    if verifications is None:
        verifications = user.verifications.filter(revoked_at__isnull=True).order_by(
            "-level", "-verified_at"
        )
    return next((v.full_name for v in verifications if v.is_valid_on(now) and v.full_name), "")


def pending_phone_code(user, now=None) -> PhoneCode | None:
    """The code the person is expected to enter now, if any."""
    code = PhoneCode.objects.filter(user=user, status=PhoneCode.Status.PENDING).first()
    return code if code and code.is_open_on(now or timezone.now()) else None


def claims_to_review(user) -> list[PropertyClaim]:
    """Pending declarations in the territories the person answers for, oldest first; never
    their own."""
    pending = (
        PropertyClaim.objects.filter(status=PropertyClaim.Status.PENDING)
        .exclude(user=user)
        .select_related("territory", "user")
        .order_by("created_at")
    )
    if user.is_superuser:
        return list(pending)
    paths = reviewable_territory_paths(user)
    return [c for c in pending if any(c.territory.path.startswith(path) for path in paths)]


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
