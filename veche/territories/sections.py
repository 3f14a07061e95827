"""What territories show on the home page (`veche.core.sections`): the resident's place in the
welcome, how many territories there are, and the places inside the resident's place."""

from veche.core import sections
from veche.territories.models import Territory
from veche.territories.my_territory import current_territory


def home_place(request) -> tuple[Territory | None, list[Territory]]:
    """The place the home page is about (the resident's, or the only city of a single-city
    installation) and, without one, the cities; asked once per request by two sections."""
    if not hasattr(request, "_veche_home_place"):
        place = current_territory(request)
        cities = []
        if place is None:
            cities = list(Territory.objects.filter(kind=Territory.Kind.CITY).order_by("code")[:2])
            place = cities[0] if len(cities) == 1 else None
        request._veche_home_place = place, cities
    return request._veche_home_place


def home_welcome(request, _subject):
    place, _cities = home_place(request)
    if place is None:
        return None
    return "territories/sections/home_welcome.html", {"place": place}


def home_fact(request, _subject):
    count = Territory.objects.count()
    return "territories/sections/home_fact.html", {"territory_count": count}


def home_places(request, _subject):
    place, cities = home_place(request)
    places = place.children.order_by("code") if place else cities
    return "territories/sections/home_places.html", {"place": place, "places": places}


def register() -> None:
    sections.register("home", "place", order=10, slot="place", content=home_welcome)
    sections.register("home", "territories", order=10, slot="facts", content=home_fact)
    sections.register("home", "places", order=10, content=home_places)
