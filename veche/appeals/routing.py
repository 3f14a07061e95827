"""Which organization answers for a category of problems in a territory.

Organizations declare responsibilities (category × territory), as FixMyStreet's bodies do; the
declaration on the deepest territory containing the problem wins. Without one, the organization
with jurisdiction over the deepest such territory is proposed.
"""

from veche.appeals.models import Responsibility
from veche.organizations.models import Organization


def _ancestor_codes(territory) -> list[str]:
    return [code for code in territory.path.strip("/").split("/") if code]


def route(category, territory) -> Organization | None:
    codes = _ancestor_codes(territory)
    responsibilities = Responsibility.objects.filter(
        category=category, territory__code__in=codes, organization__is_active=True
    ).select_related("organization", "territory")
    best = max(responsibilities, key=lambda r: r.territory.depth, default=None)
    if best is not None:
        return best.organization
    candidates = (
        Organization.objects.filter(is_active=True, jurisdiction__code__in=codes)
        .prefetch_related("jurisdiction")
        .distinct()
    )
    depth = {}
    for organization in candidates:
        depth[organization] = max(
            t.depth for t in organization.jurisdiction.all() if t.code in codes
        )
    # Deepest jurisdiction first; among equals, an organization without a parent (the main
    # authority) before its committees.
    return min(depth, key=lambda o: (-depth[o], o.parent_id is not None, o.pk), default=None)
