"""What operators change in the admin about identity: providers, census lists, eligibility rules,
verifications and declarations of property. Each change asks the operator's model permission
again and writes an audit row in its transaction (`veche.core.audited`); a provider's client
secret is never written into the log, nor a person's data: a deleted verification or declaration
is recorded by its ids and metadata (a phone number masked). What a census list or a provider
verified does not outlive it: a list valid for less time shortens it, a list or provider gone
revokes it, and the audit row counts it."""

from django.db import transaction

from veche.core import audited
from veche.core.audit import record_event
from veche.identity.models import (
    CensusImport,
    EligibilityRule,
    IdentityProvider,
    PropertyClaim,
    Verification,
)

from .census import census_expiry, revoke_census_verifications, shorten_census_verifications
from .providers import (
    SECRET_FIELDS,
    forget_login_app,
    revoke_provider_verifications,
    save_identity_provider,
)

# What the audit log keeps of a deleted verification or declaration of property, which the log
# outlives (it is kept when the person is erased): ids and metadata, never the claims (names,
# addresses, birth dates, numbers), the census entry's hash, the provider's subject, the
# cadastral number or the document's path.
VERIFICATION_RECORDED = (
    "user",
    "level",
    "source",
    "source_reference",
    "territory",
    "verified_at",
    "expires_at",
    "revoked_at",
)
PROPERTY_CLAIM_RECORDED = (
    "user",
    "territory",
    "kind",
    "status",
    "reviewed_by",
    "reviewed_at",
    "created_at",
)


def _allowed(actor, row, model: str) -> None:
    verb = "change" if row.pk else "add"
    audited.require(actor, actor.has_perm(f"identity.{verb}_{model}"))


def change_identity_provider(*, actor, provider: IdentityProvider) -> IdentityProvider:
    """Save the provider as an operator set it (its sign-in app with it)."""
    _allowed(actor, provider, "identityprovider")
    return save_identity_provider(provider=provider, actor=actor)


@transaction.atomic
def delete_identity_provider(*, actor, provider: IdentityProvider) -> None:
    """The provider goes, and so does its sign-in: nobody signs in through it any more."""
    audited.require(actor, actor.has_perm("identity.delete_identityprovider"))
    forget_login_app(provider.slug)
    revoked = revoke_provider_verifications(provider.slug)
    audited.delete(
        actor,
        provider,
        noun="identity_provider",
        hidden=SECRET_FIELDS,
        verifications_revoked=revoked,
    )


@transaction.atomic
def change_census_validity(*, actor, census: CensusImport) -> CensusImport:
    """A census list's last day of validity, which decides who it verifies: changed only by
    those who may upload lists. Made earlier, it shortens what the list verified."""
    audited.require(actor, actor.has_perm("identity.upload_census"))
    census, before = audited.save(actor, census, noun="census_import")
    if census.valid_until is not None and before.get("valid_until") != str(census.valid_until):
        shortened = shorten_census_verifications(census)
        if shortened:
            record_event(
                actor=actor,
                action="census_import.verifications_shortened",
                target=census,
                data={
                    "verifications": shortened,
                    "expires_at": census_expiry(census.valid_until).isoformat(),
                },
            )
    return census


@transaction.atomic
def delete_census_import(*, actor, census: CensusImport) -> None:
    """The list goes with every entry in it, and nobody stays verified by it."""
    audited.require(actor, actor.has_perm("identity.delete_censusimport"))
    revoked = revoke_census_verifications(census)
    audited.delete(
        actor,
        census,
        noun="census_import",
        entries=census.entries.count(),
        verifications_revoked=revoked,
    )


def save_eligibility_rule(*, actor, rule: EligibilityRule) -> EligibilityRule:
    _allowed(actor, rule, "eligibilityrule")
    return audited.save(actor, rule, noun="eligibility_rule")[0]


def delete_eligibility_rule(*, actor, rule: EligibilityRule) -> None:
    audited.require(actor, actor.has_perm("identity.delete_eligibilityrule"))
    audited.delete(
        actor,
        rule,
        noun="eligibility_rule",
        territories=sorted(rule.territories.values_list("pk", flat=True)),
    )


def delete_verification(*, actor, verification: Verification) -> None:
    audited.require(actor, actor.has_perm("identity.delete_verification"))
    number = {"phone_number": verification.phone_number_masked} if verification.phone_number else {}
    audited.delete(
        actor, verification, noun="verification", recorded=VERIFICATION_RECORDED, **number
    )


@transaction.atomic
def delete_property_claim(*, actor, claim: PropertyClaim) -> None:
    """The declaration goes, and its document's file once that is committed (a rollback keeps
    both)."""
    audited.require(actor, actor.has_perm("identity.delete_propertyclaim"))
    storage, name = claim.document.storage, claim.document.name
    audited.delete(actor, claim, noun="property_claim", recorded=PROPERTY_CLAIM_RECORDED)
    if name:
        transaction.on_commit(lambda: storage.delete(name), robust=True)
