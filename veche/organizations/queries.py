"""Read side of organizations: lists, pages and the tree (for the cabinet and reports)."""

from collections.abc import Iterable

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from veche.organizations.models import Membership, Organization
from veche.territories.models import Territory


def public_organizations() -> QuerySet[Organization]:
    return Organization.objects.filter(is_active=True)


def organization_by_slug(slug: str) -> Organization:
    queryset = (
        public_organizations()
        .select_related("parent")
        .prefetch_related(
            Prefetch("jurisdiction", queryset=Territory.objects.order_by("path")),
            Prefetch("children", queryset=public_organizations().order_by("slug")),
        )
    )
    return get_object_or_404(queryset, slug=slug)


# How many levels above an organization `works_for_or_above` looks for staff in the database: a
# region, a city, a district, a department, an office, a unit. The tree is not expected deeper.
TREE_DEPTH = 6


def works_for_or_above(user: str, organization: str) -> Exists:
    """As a condition of a query: the person (the outer query's field `user`) holds a staff role
    in the organization (its field `organization`, as "appeal__organization") or in one above it;
    `holds_role_over` says the same of one person in Python."""
    chain = Q()
    for level in range(TREE_DEPTH):
        chain |= Q(organization=OuterRef(organization + "__parent" * level))
    return Exists(Membership.objects.filter(chain, user=OuterRef(user)))


def organizations_by_kind() -> dict[str, list[Organization]]:
    """Active organizations grouped by kind, in tree order within each kind."""
    groups: dict[str, list[Organization]] = {}
    queryset = (
        public_organizations().select_related("parent").annotate(child_count=Count("children"))
    )
    for organization in sorted(queryset, key=lambda o: (o.kind, _tree_key(o))):
        groups.setdefault(organization.get_kind_display(), []).append(organization)
    return groups


def _tree_key(organization: Organization) -> tuple:
    return (
        organization.parent.slug if organization.parent else organization.slug,
        organization.parent_id is not None,
        organization.title,
    )


def organizations_for_territory(territory: Territory) -> QuerySet[Organization]:
    """Organizations whose jurisdiction covers this territory: its own and its ancestors'."""
    codes = [code for code in territory.path.strip("/").split("/") if code]
    return (
        public_organizations()
        .filter(jurisdiction__code__in=codes)
        .distinct()
        .select_related("parent")
        .order_by("kind", "slug")
    )


def organization_tree(
    organizations: Iterable[Organization], *, roots: set[int] | None = None
) -> list[tuple[Organization, int]]:
    """Organizations in tree order with their depth below the roots (default: the top ones).

    One query for the whole tree: a city has hundreds of organizations, not millions."""
    everything = list(organizations)
    children: dict[int | None, list[Organization]] = {}
    for organization in everything:
        children.setdefault(organization.parent_id, []).append(organization)
    for siblings in children.values():
        siblings.sort(key=lambda o: o.title)
    if roots is None:
        ids = {o.pk for o in everything}
        top = [o for o in everything if o.parent_id not in ids]
    else:
        # A root that lies under another root is shown once, inside its ancestor's subtree.
        by_id = {o.pk: o for o in everything}
        top = [
            by_id[pk]
            for pk in roots
            if pk in by_id and not _has_ancestor_in(by_id[pk], roots, by_id)
        ]
    top.sort(key=lambda o: o.title)
    ordered: list[tuple[Organization, int]] = []

    def walk(organization: Organization, depth: int) -> None:
        ordered.append((organization, depth))
        for child in children.get(organization.pk, []):
            walk(child, depth + 1)

    for organization in top:
        walk(organization, 0)
    return ordered


def _has_ancestor_in(organization: Organization, ids: set[int], by_id: dict) -> bool:
    parent_id = organization.parent_id
    while parent_id is not None and parent_id in by_id:
        if parent_id in ids:
            return True
        parent_id = by_id[parent_id].parent_id
    return False
