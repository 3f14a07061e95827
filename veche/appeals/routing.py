"""Which organization answers for a category of problems in a territory, and why.

Organizations declare responsibilities (category × territory), as FixMyStreet's bodies do; the
declaration on the deepest territory containing the problem wins. Without one, the organization
with jurisdiction over the deepest such territory is proposed (among equals, the main authority
before its committees). `explain` gives the whole way up the territory tree, for the operators'
"who answers X in Y" page; `route` is its answer, for the problem form.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from veche.appeals.models import Responsibility
from veche.organizations.models import Organization
from veche.territories.models import Territory


@dataclass(frozen=True)
class Step:
    """One territory on the way from the problem's territory up to the root."""

    territory: Territory
    # Organizations that declared the category here, and those with jurisdiction here, in the
    # order they are chosen.
    declared: list[Organization] = field(default_factory=list)
    jurisdiction: list[Organization] = field(default_factory=list)


@dataclass(frozen=True)
class Route:
    organization: Organization | None
    # "responsibility" (declared for the category), "jurisdiction", or "" (nobody answers).
    reason: str
    territory: Territory | None  # where the declaration or jurisdiction that decided lies
    steps: list[Step]


def _ancestor_codes(territory) -> list[str]:
    return [code for code in territory.path.strip("/").split("/") if code]


def explain(category, territory) -> Route:
    """Who answers for `category` in `territory`, with every candidate on the way up: three
    queries, whatever the depth of the tree."""
    codes = _ancestor_codes(territory)
    chain = list(Territory.objects.filter(code__in=codes).order_by("-depth"))
    declared: dict[int, list[Organization]] = defaultdict(list)
    for responsibility in (
        Responsibility.objects.filter(
            category=category, territory__code__in=codes, organization__is_active=True
        )
        .select_related("organization")
        .order_by("organization_id")
    ):
        declared[responsibility.territory_id].append(responsibility.organization)
    serving: dict[int, list[Organization]] = defaultdict(list)
    for row in Organization.jurisdiction.through.objects.filter(
        territory__code__in=codes, organization__is_active=True
    ).select_related("organization"):
        serving[row.territory_id].append(row.organization)
    steps = [
        Step(
            territory=place,
            declared=declared[place.pk],
            jurisdiction=sorted(serving[place.pk], key=lambda o: (o.parent_id is not None, o.pk)),
        )
        for place in chain
    ]
    for step in steps:
        if step.declared:
            return Route(step.declared[0], "responsibility", step.territory, steps)
    for step in steps:
        if step.jurisdiction:
            return Route(step.jurisdiction[0], "jurisdiction", step.territory, steps)
    return Route(None, "", None, steps)


def route(category, territory) -> Organization | None:
    return explain(category, territory).organization
