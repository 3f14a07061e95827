"""What appeals show on other apps' pages (`veche.core.sections`): the newest problems on the
home page and a territory's page, an organization's answers and deadlines and the appeals
addressed to it, and the rating of organizations."""

from veche.appeals.queries import problem_list
from veche.appeals.ratings import league, scores
from veche.core import sections
from veche.territories.my_territory import current_territory


def home_problems(request, _subject):
    territory = current_territory(request)
    problems = problem_list(territory=territory.code if territory else "").items[:6]
    return "appeals/sections/home_problems.html", {"problems": problems}


def territory_problems(request, territory):
    problems = problem_list(territory=territory.code).items[:8]
    return "appeals/sections/territory_problems.html", {
        "territory": territory,
        "problems": problems,
    }


def organization_score(request, organization):
    score = scores([organization])[0]
    # The rating it is compared in: that of the widest territory it answers for (read from the
    # page's prefetched jurisdiction, no query of its own).
    places = sorted(organization.jurisdiction.all(), key=lambda place: (place.depth, place.path))
    return "appeals/sections/organization_score.html", {
        "score": score,
        "organization": organization,
        "league_territory": places[0] if places else None,
    }


def organization_problems(request, organization):
    problems = problem_list(organization=organization.slug).items[:10]
    return "appeals/sections/organization_problems.html", {
        "organization": organization,
        "problems": problems,
    }


def league_ratings(request, territory):
    if territory is None:
        return "appeals/sections/league_ratings.html", {"territory": None, "league": None}
    return "appeals/sections/league_ratings.html", {
        "territory": territory,
        "league": league(territory),
    }


def register() -> None:
    sections.register("home", "problems", order=10, slot="columns", content=home_problems)
    sections.register("territory", "problems", order=10, slot="columns", content=territory_problems)
    sections.register("organization", "score", order=10, content=organization_score)
    sections.register("organization", "problems", order=20, content=organization_problems)
    sections.register(
        "league",
        "ratings",
        order=10,
        content=league_ratings,
        stylesheets=("appeals/league.css",),
    )
