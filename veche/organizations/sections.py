"""What organizations show on other apps' pages (`veche.core.sections`): how many answer here
on the home page, and who answers for a territory on its page."""

from veche.core import sections
from veche.organizations.queries import organizations_for_territory, public_organizations


def home_fact(request, _subject):
    count = public_organizations().count()
    return "organizations/sections/home_fact.html", {"organization_count": count}


def territory_organizations(request, territory):
    organizations = organizations_for_territory(territory)
    return "organizations/sections/territory_organizations.html", {"organizations": organizations}


def register() -> None:
    sections.register("home", "organizations", order=20, slot="facts", content=home_fact)
    sections.register("territory", "organizations", order=10, content=territory_organizations)
