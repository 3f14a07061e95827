"""Read side of organizations: lists and pages."""

from django.db.models import Count, Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from veche.organizations.models import Organization
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
