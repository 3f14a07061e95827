"""What the widgets show, read with the same definitions as the full site's pages: a public
discussion with its count of submissions, a territory's categories and newest problems, an
organization's place in the rating of its territory (`veche.appeals.ratings`)."""

from dataclasses import dataclass

from django.db.models import Count, Q
from django.http import Http404

from veche.appeals.models import Category
from veche.appeals.queries import problem_list
from veche.appeals.ratings import OrganizationScore, league, scores
from veche.discussions.queries import public_discussions
from veche.organizations.models import Organization
from veche.organizations.queries import organization_by_slug
from veche.territories.models import Territory

RECENT_PROBLEMS = 5


def public_discussion(pk) -> "object | None":
    """A discussion anyone may see, with its count of submissions shown publicly; None when
    there is none such (a draft, a scheduled one, a wrong number)."""
    discussion = (
        public_discussions()
        .filter(pk=pk)
        .annotate(
            submission_count=Count("submissions", filter=Q(submissions__hidden_at__isnull=True))
        )
        .first()
    )
    return discussion if discussion is not None and discussion.is_public else None


def territory_by_code(code) -> Territory | None:
    return Territory.objects.filter(code=code).first()


def public_organization(slug) -> Organization | None:
    try:
        return organization_by_slug(slug)
    except Http404:
        return None


def report_context(territory: Territory) -> dict:
    return {
        "territory": territory,
        "categories": list(Category.objects.all()),
        "problems": problem_list(territory=territory.code).items[:RECENT_PROBLEMS],
    }


@dataclass(frozen=True)
class Place:
    """An organization in the rating of the widest territory it answers for."""

    score: OrganizationScore
    territory: Territory | None
    position: int | None  # 1 is first; None while it is not ranked (nothing to judge yet)
    ranked: int  # how many are ranked there


def place_in_rating(organization: Organization) -> Place:
    places = sorted(organization.jurisdiction.all(), key=lambda place: (place.depth, place.path))
    if not places:
        return Place(score=scores([organization])[0], territory=None, position=None, ranked=0)
    table = league(places[0])
    for position, row in enumerate(table.ranked, start=1):
        if row.organization.pk == organization.pk:
            return Place(row, places[0], position, len(table.ranked))
    own = next(
        (row for row in table.unjudged if row.organization.pk == organization.pk),
        scores([organization])[0],
    )
    return Place(own, places[0], None, len(table.ranked))
