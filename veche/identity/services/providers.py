"""Identity providers: the claims they give and verifying with them; saving a provider."""

import datetime

from django.db import transaction

from veche.core import audited
from veche.identity.legal_entities import legal_entity_from_facts
from veche.identity.models import (
    IdentityProvider,
    Level,
    Verification,
)
from veche.identity.residence import claim_at, resolve_residence

from .census import PROVIDER_TAKEN_MESSAGE, _bind_subject

DEFAULT_MAPPING = {
    "family_name": "family_name",
    "given_name": "given_name",
    "middle_name": "middle_name",
    "birthdate": "birthdate",
    "address": "address",
    "district": "address.district",
    "locality": "address.locality",
}


def read_provider_claims(provider: IdentityProvider, data: dict) -> dict:
    """Our facts from the provider's userinfo/ID token, verified_claims first."""
    verified = data.get("verified_claims") or {}
    verified_claims = verified.get("claims", {}) if isinstance(verified, dict) else {}
    facts = {}
    for fact, path in {**DEFAULT_MAPPING, **provider.claim_mapping}.items():
        value = claim_at(verified_claims, path)
        if value in (None, ""):
            value = claim_at(data, path)
        if value not in (None, ""):
            facts[fact] = value
    return facts


def verify_with_provider(*, user, provider: IdentityProvider, data: dict) -> Verification | None:
    """Record what a provider confirmed about the user; None when the account is not confirmed.
    One account at the provider (its `sub`) verifies one Veche account: another is refused with
    ValidationError."""
    if provider.confirmed_claim and claim_at(data, provider.confirmed_claim) is not True:
        return None
    facts = read_provider_claims(provider, data)
    try:
        birthdate = (
            datetime.date.fromisoformat(str(facts["birthdate"])) if facts.get("birthdate") else None
        )
    except ValueError:
        birthdate = None
    claims = {
        key: facts[key]
        for key in ("family_name", "given_name", "middle_name", "address")
        if key in facts
    }
    if birthdate:
        claims["birthdate"] = birthdate.isoformat()
    legal_entity = legal_entity_from_facts(facts, source=provider.slug)
    if legal_entity:
        claims["legal_entity"] = legal_entity.as_claim()
    verification_info = (data.get("verified_claims") or {}).get("verification", {})
    sub = str(data.get("sub") or "")
    with transaction.atomic():
        verification = _bind_subject(
            user=user,
            source=Verification.Source.PROVIDER,
            subject=f"{provider.slug}:{sub}" if sub else "",
            refusal=PROVIDER_TAKEN_MESSAGE,
            level=Level.PROVIDER,
            source_reference=provider.slug,
            claims=claims,
            birthdate=birthdate,
            territory=resolve_residence(provider.claim_mapping, data, provider.home_territory),
            trust_framework=verification_info.get("trust_framework") or provider.trust_framework,
            evidence=verification_info.get("evidence"),
            valid_for=datetime.timedelta(days=provider.validity_days),
        )
        # The verified name replaces what the person typed: it is never typed twice.
        names = {
            "last_name": facts.get("family_name"),
            "first_name": facts.get("given_name"),
            "patronymic": facts.get("middle_name"),
        }
        changed = [
            field for field, value in names.items() if value and getattr(user, field) != value
        ]
        for field in changed:
            setattr(user, field, names[field])
        if changed:
            user.save(update_fields=changed)
    return verification


# Never written into the audit log (`veche.core.audited`).
SECRET_FIELDS = ("client_secret",)


@transaction.atomic
def save_identity_provider(*, provider: IdentityProvider, actor=None) -> IdentityProvider:
    """Save the provider's settings and the allauth app that signs in with it. An operator's
    change (`actor`; `configuration.change_identity_provider` asks the permission) is recorded,
    the secret left out. A provider whose slug changed no longer signs in under the old one."""
    from allauth.socialaccount.models import SocialApp

    if actor is not None:
        _, before = audited.save(actor, provider, noun="identity_provider", hidden=SECRET_FIELDS)
        previous = before.get("slug")
    else:
        stored = IdentityProvider.objects.filter(pk=provider.pk) if provider.pk else None
        previous = stored.values_list("slug", flat=True).first() if stored is not None else None
        provider.save()
    if previous and previous != provider.slug:
        forget_login_app(previous)
    SocialApp.objects.update_or_create(
        provider="openid_connect",
        provider_id=provider.slug,
        defaults={
            "name": provider.title,
            "client_id": provider.client_id,
            "secret": provider.client_secret,
            "settings": {
                "server_url": provider.issuer,
                "oauth_pkce_enabled": True,
                "fetch_userinfo": True,
                "scope": provider.scopes.split(),
            },
        },
    )
    if not provider.is_enabled:
        forget_login_app(provider.slug)
    from veche.identity.queries import forget_provider_origins

    transaction.on_commit(forget_provider_origins)
    return provider


def forget_login_app(slug: str) -> None:
    """Nobody signs in through the provider `slug` any more (its allauth app goes)."""
    from allauth.socialaccount.models import SocialApp

    SocialApp.objects.filter(provider="openid_connect", provider_id=slug).delete()
    from veche.identity.queries import forget_provider_origins

    transaction.on_commit(forget_provider_origins)
