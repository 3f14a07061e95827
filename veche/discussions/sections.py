"""What discussions show on other apps' pages (`veche.core.sections`): the running discussions
on the home page, and their panel on a territory's page."""

from veche.core import sections
from veche.discussions.meeting import broadcast_origins
from veche.discussions.queries import current_discussions
from veche.territories.my_territory import current_territory


def home_discussions(request, _subject):
    discussions = current_discussions(current_territory(request), limit=4)
    return "discussions/sections/home_discussions.html", {"discussions": discussions}


def territory_discussions(request, territory):
    # Not listed by territory yet: the panel says where they will appear.
    return "discussions/sections/territory_discussions.html", {"territory": territory}


def broadcast_sites(request, _subject):
    return "discussions/sections/broadcast_operators.html", {
        "origin_count": len(broadcast_origins())
    }


def register() -> None:
    sections.register(
        "organizations",
        "broadcast_sites",
        order=25,
        slot="top",
        content=broadcast_sites,
        permission="discussions.manage_broadcast_origins",
    )
    sections.register(
        "home",
        "discussions",
        order=20,
        slot="columns",
        content=home_discussions,
        stylesheets=("discussions/discussions.css",),
    )
    sections.register(
        "territory", "discussions", order=20, slot="columns", content=territory_discussions
    )
