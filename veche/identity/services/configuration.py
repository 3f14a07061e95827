"""What operators change in the admin about identity: providers, census lists, eligibility rules,
verifications and declarations of property. Each change asks the operator's model permission
again and writes an audit row in its transaction (`veche.core.audited`); a provider's client
secret is never written into the log."""

from django.db import transaction

from veche.core import audited
from veche.identity.models import (
    CensusImport,
    EligibilityRule,
    IdentityProvider,
    PropertyClaim,
    Verification,
)

from .providers import SECRET_FIELDS, forget_login_app, save_identity_provider


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
    audited.delete(actor, provider, noun="identity_provider", hidden=SECRET_FIELDS)


def change_census_validity(*, actor, census: CensusImport) -> CensusImport:
    """A census list's last day of validity, which decides who it verifies: changed only by
    those who may upload lists."""
    audited.require(actor, actor.has_perm("identity.upload_census"))
    return audited.save(actor, census, noun="census_import")[0]


def delete_census_import(*, actor, census: CensusImport) -> None:
    """The list goes with every entry in it."""
    audited.require(actor, actor.has_perm("identity.delete_censusimport"))
    audited.delete(actor, census, noun="census_import", entries=census.entries.count())


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
    audited.delete(actor, verification, noun="verification")


def delete_property_claim(*, actor, claim: PropertyClaim) -> None:
    audited.require(actor, actor.has_perm("identity.delete_propertyclaim"))
    audited.delete(actor, claim, noun="property_claim")
