"""Who may change what the platform knows about people's identity (django-rules predicates).

Operators' powers follow the model permissions an administrator grants (a staff flag alone
grants nothing); reviewing a declaration of property follows the organizer's jurisdiction (or is
an administrator's), and nobody reviews their own. The services ask again.
"""

import rules

from veche.organizations.models import Membership
from veche.organizations.rules import organizations_where
from veche.territories.models import Territory


def _holds(permission: str):
    """Staff who were granted `permission` (a Django model permission, directly or by group)."""

    @rules.predicate(name=f"holds {permission}")
    def check(user) -> bool:
        return bool(
            user
            and user.is_authenticated
            and user.is_active
            and user.is_staff
            and user.has_perm(permission)
        )

    return check


def reviewable_territory_paths(user) -> list[str]:
    """Territories whose property declarations this person reviews: the jurisdiction of the
    organizations where they are an organizer."""
    organizations = organizations_where(user, roles=Membership.Role.ORGANIZER)
    if not organizations:
        return []
    return list(
        Territory.objects.filter(organizations__in=organizations)
        .values_list("path", flat=True)
        .distinct()
    )


@rules.predicate
def is_organizer_anywhere(user) -> bool:
    return bool(reviewable_territory_paths(user))


@rules.predicate
def answers_for_claim_territory(user, claim) -> bool:
    return any(claim.territory.path.startswith(path) for path in reviewable_territory_paths(user))


@rules.predicate
def is_claimant(user, claim) -> bool:
    return bool(user and user.is_authenticated and claim.user_id == user.pk)


@rules.predicate
def is_active_superuser(user) -> bool:
    return bool(user and user.is_active and user.is_superuser)


# Asked with `rules.has_perm`: Django's `user.has_perm` would let a superuser review their own.
may_review_claim = ~is_claimant & (is_active_superuser | answers_for_claim_territory)

rules.add_perm("identity.upload_census", _holds("identity.add_censusimport"))
rules.add_perm("identity.rebind", _holds("identity.rebind_verification"))
rules.add_perm("identity.review_property_claims", is_organizer_anywhere)
rules.add_perm("identity.review_property_claim", may_review_claim)
rules.add_perm("identity.view_claim_document", is_claimant | may_review_claim)
