"""Who may do what with problems and appeals (django-rules predicates, adhocracy4's way)."""

import rules

from veche.appeals.models import Signature
from veche.organizations.models import Membership

OFFICIAL_ROLES = (Membership.Role.OFFICIAL, Membership.Role.HEAD)


@rules.predicate
def is_author(user, appeal) -> bool:
    return bool(user and user.is_authenticated and appeal.problem.author_id == user.pk)


@rules.predicate
def is_signatory(user, appeal) -> bool:
    return bool(
        user
        and user.is_authenticated
        and Signature.objects.filter(appeal=appeal, user=user, withdrawn_at__isnull=True).exists()
    )


@rules.predicate
def is_official_of_addressee(user, appeal) -> bool:
    return bool(
        user
        and user.is_authenticated
        and Membership.objects.filter(
            user=user, organization_id=appeal.organization_id, role__in=OFFICIAL_ROLES
        ).exists()
    )


def _ancestor_ids(organization) -> list[int]:
    ids, current = [], organization
    while current is not None:
        ids.append(current.pk)
        current = current.parent
    return ids


@rules.predicate
def is_head_over(user, appeal) -> bool:
    """A head of the addressee or of any organization above it."""
    return bool(
        user
        and user.is_authenticated
        and Membership.objects.filter(
            user=user,
            role=Membership.Role.HEAD,
            organization_id__in=_ancestor_ids(appeal.organization),
        ).exists()
    )


rules.add_perm("appeals.edit_appeal", is_author)
rules.add_perm("appeals.propose_edit", is_signatory)
rules.add_perm("appeals.act_as_addressee", is_official_of_addressee)
rules.add_perm("appeals.see_signatories_data", is_official_of_addressee)
rules.add_perm("appeals.take_under_control", is_head_over)
