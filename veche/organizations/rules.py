"""Which staff roles a person holds where: the one place the permission rules of every app ask;
and who reviews the applications of organizations for a cabinet.

A person's memberships are read once per user object, which for a request is `request.user`:
the middleware, the header and the page then ask any number of role questions for one query,
and that one is answered from the shared cache while the person's memberships stay as they were
(every saved or deleted `Membership` moves the person's stamp on, `veche.core.stamped`). Whoever
holds no role at all (nearly everyone) is known from one shared set of members, without a query.
Code that changes a person's roles and asks again on the same object calls `forget_roles`
(saving or deleting a `Membership` does it for the user object it holds).
"""

import contextlib
from collections.abc import Iterable

import rules
from django.db.models.signals import post_delete, post_save

from veche.core.stamped import Read, move_on, stamped
from veche.organizations.models import Membership, Organization

_CACHE = "_veche_roles"
MEMBERS_KEY = "roles:members"
MEMBERS_VERSION_KEY = "roles-version:members"


def roles_by_organization(user) -> dict[int, frozenset[str]]:
    """Organization id → the roles this person holds there; empty for anonymous visitors."""
    if not (user and user.is_authenticated):
        return {}
    held = getattr(user, _CACHE, None)
    if held is None:
        if user.pk in _members():
            held = stamped(f"roles:{user.pk}", _version_key(user.pk), lambda: _read_roles(user))
        else:  # most people: no query, even on their first request (a surge of new signers)
            held = {}
        setattr(user, _CACHE, held)
    return held


def _members() -> frozenset[int]:
    """The ids of everyone holding a role anywhere: a few thousand staff in a big city."""
    return stamped(
        MEMBERS_KEY,
        MEMBERS_VERSION_KEY,
        lambda: frozenset(Membership.objects.values_list("user_id", flat=True).distinct()),
    )


def members_read() -> Read:
    """What the question "does this person hold any role" reads from the shared cache, for a
    request to read it ahead with the person's account."""
    return Read(MEMBERS_KEY, MEMBERS_VERSION_KEY)


def _read_roles(user) -> dict[int, frozenset[str]]:
    found: dict[int, set[str]] = {}
    for organization_id, role in Membership.objects.filter(user=user).values_list(
        "organization_id", "role"
    ):
        found.setdefault(organization_id, set()).add(role)
    return {organization_id: frozenset(roles) for organization_id, roles in found.items()}


def _version_key(user_id: int) -> str:
    return f"roles-version:{user_id}"


def _memberships_changed(instance: Membership, **kwargs) -> None:
    move_on(_version_key(instance.user_id))
    move_on(MEMBERS_VERSION_KEY)


for _signal in (post_save, post_delete):
    _signal.connect(_memberships_changed, sender=Membership, weak=False)


def forget_roles(user) -> None:
    """Drop the roles read for this user object, so that the next question reads them again."""
    with contextlib.suppress(AttributeError):
        delattr(user, _CACHE)


def _role_set(roles: str | Iterable[str]) -> frozenset[str]:
    return frozenset([roles] if isinstance(roles, str) else roles)


def holds_role(
    user, organization: Organization | int | None = None, *, roles: str | Iterable[str]
) -> bool:
    """Whether the person holds one of `roles` in `organization` (an organization or its id),
    or in any organization when it is None."""
    wanted = _role_set(roles)
    held = roles_by_organization(user)
    if organization is None:
        return any(wanted & roles_there for roles_there in held.values())
    organization_id = getattr(organization, "pk", organization)
    return bool(wanted & held.get(organization_id, frozenset()))


def organizations_where(user, *, roles: str | Iterable[str]) -> set[int]:
    """Ids of the organizations where the person holds one of `roles`."""
    wanted = _role_set(roles)
    return {
        organization_id
        for organization_id, roles_there in roles_by_organization(user).items()
        if wanted & roles_there
    }


def holds_role_over(user, organization: Organization, *, roles: str | Iterable[str]) -> bool:
    """Whether the person holds one of `roles` in `organization` or in any organization above
    it. The tree is walked only for someone who holds such a role somewhere."""
    where = organizations_where(user, roles=roles)
    current = organization
    while where and current is not None:
        if current.pk in where:
            return True
        current = current.parent
    return False


# --- Applications for a cabinet --------------------------------------------------------------

# The Django model permission an administrator grants (directly or by group) to the platform's
# reviewers; superusers hold it. A staff flag alone reviews nothing.
REVIEW_MODEL_PERMISSION = "organizations.change_cabinetapplication"


@rules.predicate
def is_reviewer(user) -> bool:
    """A platform administrator who reviews applications for a cabinet."""
    return bool(
        user
        and user.is_authenticated
        and user.is_active
        and user.is_staff
        and user.has_perm(REVIEW_MODEL_PERMISSION)
    )


@rules.predicate
def filed_application(user, application) -> bool:
    return bool(user and user.is_authenticated and application.applicant_id == user.pk)


rules.add_perm("organizations.review_applications", is_reviewer)
# Asked with `rules.has_perm`: Django's `user.has_perm` would let a superuser decide their own.
rules.add_perm("organizations.review_application", ~filed_application & is_reviewer)
rules.add_perm("organizations.view_application", filed_application | is_reviewer)
