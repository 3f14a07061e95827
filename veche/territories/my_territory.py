"""'My territory': the place a resident chose in the header's picker, kept in the session. The
home page and the list of discussions show what is there; the header shows the choice."""

from veche.territories.models import Territory

SESSION_KEY = "veche_territory"


def chosen_code(request) -> str:
    # A request that never passed the session middleware (an early error page) has no choice.
    return request.session.get(SESSION_KEY, "") if hasattr(request, "session") else ""


def current_territory(request) -> Territory | None:
    """The chosen territory, read once per request however many sections of a page ask."""
    if not hasattr(request, "_veche_territory"):
        code = request.session.get(SESSION_KEY)
        request._veche_territory = Territory.objects.filter(code=code).first() if code else None
    return request._veche_territory


def remember(request, territory: Territory | None) -> None:
    """Keep the choice for this session; None forgets it."""
    if territory is None:
        request.session.pop(SESSION_KEY, None)
    else:
        request.session[SESSION_KEY] = territory.code
    request.__dict__.pop("_veche_territory", None)
