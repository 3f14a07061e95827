"""Identity providers: the claims they give and verifying with them; saving a provider."""

import datetime

from django.db import transaction
from django.db.models import Value
from django.db.models.functions import Concat, Substr
from django.utils import timezone

from veche.core import audited
from veche.core.audit import record_event
from veche.identity.eligibility import people_changed
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
    ValidationError. A provider that no longer confirms the account takes back what it verified
    of the person before."""
    if provider.confirmed_claim and claim_at(data, provider.confirmed_claim) is not True:
        with transaction.atomic():
            count = revoke_provider_verifications(provider.slug, user=user)
            if count:
                record_event(
                    actor=user,
                    action="identity.provider_confirmation_withdrawn",
                    target=provider,
                    data={"source": provider.slug, "verifications": count},
                )
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


def _given_by(slug: str):
    return Verification.objects.filter(source=Verification.Source.PROVIDER, source_reference=slug)


def revoke_provider_verifications(slug: str, *, user=None) -> int:
    """The provider `slug` no longer speaks for anyone (for `user` only, when given): what it
    verified is revoked. Returns how many verifications were."""
    now = timezone.now()
    given = _given_by(slug).filter(revoked_at__isnull=True)
    if user is not None:
        given = given.filter(user=user)
    count = given.update(revoked_at=now)
    if count:
        people_changed(_given_by(slug).filter(revoked_at=now).values_list("user_id", flat=True))
    return count


def _move_provider_verifications(previous: str, slug: str) -> tuple[int, int]:
    """The provider's code changed: what it verified goes with it, so that one account at the
    provider still verifies one Veche account and disabling or deleting it reaches them.
    Verifications in force under the new code came from a provider deleted before and are
    revoked first. Returns how many were moved and how many revoked."""
    revoked = revoke_provider_verifications(slug)
    people = list(_given_by(previous).values_list("user_id", flat=True).distinct())
    moved = (
        _given_by(previous)
        .filter(subject__startswith=f"{previous}:")
        .update(
            source_reference=slug,
            subject=Concat(Value(f"{slug}:"), Substr("subject", len(previous) + 2)),
        )
    )
    moved += _given_by(previous).update(source_reference=slug)  # those that named no subject
    people_changed(people)
    return moved, revoked


# Never written into the audit log (`veche.core.audited`).
SECRET_FIELDS = ("client_secret",)


@transaction.atomic
def save_identity_provider(*, provider: IdentityProvider, actor=None) -> IdentityProvider:
    """Save the provider's settings and the allauth app that signs in with it. An operator's
    change (`actor`; `configuration.change_identity_provider` asks the permission) is recorded,
    the secret left out. A provider whose slug changed no longer signs in under the old one, and
    what it verified moves to the new one; a disabled one takes back what it verified."""
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
        moved, revoked = _move_provider_verifications(previous, provider.slug)
        if moved or revoked:
            record_event(
                actor=actor,
                action="identity_provider.verifications_moved",
                target=provider,
                data={
                    "from": previous,
                    "to": provider.slug,
                    "verifications": moved,
                    "revoked": revoked,
                },
            )
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
        # A disabled provider verifies nobody: not new people, and not those it verified.
        revoked = revoke_provider_verifications(provider.slug)
        if revoked:
            record_event(
                actor=actor,
                action="identity_provider.verifications_revoked",
                target=provider,
                data={"slug": provider.slug, "verifications": revoked},
            )
    from veche.identity.queries import forget_provider_origins

    transaction.on_commit(forget_provider_origins)
    return provider


def forget_login_app(slug: str) -> None:
    """Nobody signs in through the provider `slug` any more (its allauth app goes)."""
    from allauth.socialaccount.models import SocialApp

    SocialApp.objects.filter(provider="openid_connect", provider_id=slug).delete()
    from veche.identity.queries import forget_provider_origins

    transaction.on_commit(forget_provider_origins)
