"""Site-wide pages: home, about, privacy, the published heads of the audit log, health check,
choice of 'my territory'."""

import logging

from django.conf import settings
from django.core.paginator import Paginator
from django.db import connection
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from veche.appeals.queries import problem_list
from veche.core.models import GENESIS_HASH, AuditHead
from veche.core.redirects import redirect_back
from veche.discussions.queries import current_discussions
from veche.organizations.queries import public_organizations
from veche.territories.models import Territory
from veche.territories.queries import picker_territories

logger = logging.getLogger(__name__)

TERRITORY_SESSION_KEY = "veche_territory"


def home(request):
    territory = current_territory(request)
    cities = list(Territory.objects.filter(kind=Territory.Kind.CITY).order_by("code")[:2])
    # A single-city installation shows that city's districts until the visitor picks a place.
    place = territory or (cities[0] if len(cities) == 1 else None)
    return render(
        request,
        "core/home.html",
        {
            "territory": territory,
            "place": place,
            "places": place.children.order_by("code") if place else cities,
            "organization_count": public_organizations().count(),
            "problems": problem_list(territory=territory.code if territory else "").items[:6],
            "territory_count": Territory.objects.count(),
            "discussions": current_discussions(territory, limit=4),
        },
    )


def about(request):
    return render(request, "core/about.html")


def privacy(request):
    return render(
        request, "core/privacy.html", {"privacy_version": settings.VECHE_PRIVACY_POLICY_VERSION}
    )


AUDIT_HEADS_PAGE = 60


@require_GET
def audit_heads(request):
    """The head of the audit chain published each day, and how anyone can check it."""
    page = Paginator(AuditHead.objects.order_by("-day"), AUDIT_HEADS_PAGE).get_page(
        request.GET.get("page")
    )
    return render(request, "core/audit_heads.html", {"page": page})


@require_GET
def audit_heads_json(request):
    """Every published head as open data, newest first."""
    heads = AuditHead.objects.order_by("-day").values_list("day", "sequence", "hash", "created_at")
    return JsonResponse(
        {
            "algorithm": "sha256",
            "genesis": GENESIS_HASH,
            "heads": [
                {
                    "day": day.isoformat(),
                    "sequence": sequence,
                    "hash": hash_,
                    "published_at": published_at.isoformat(),
                }
                for day, sequence, hash_, published_at in heads
            ],
        },
        json_dumps_params={"ensure_ascii": False, "indent": 1},
    )


@require_GET
@never_cache
def healthz(request):
    """For load balancers: 200 when this process can reach the database, else 503."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        logger.exception("health check: database unreachable")
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


@require_POST
def choose_territory(request):
    """Remember the resident's territory for this session and show its page."""
    code = request.POST.get("territory", "")
    if not code:
        request.session.pop(TERRITORY_SESSION_KEY, None)
        return redirect_back(request, "/")
    territory = get_object_or_404(picker_territories(), code=code)
    request.session[TERRITORY_SESSION_KEY] = territory.code
    return HttpResponseRedirect(territory.get_absolute_url())


def current_territory(request) -> Territory | None:
    code = request.session.get(TERRITORY_SESSION_KEY)
    if not code:
        return None
    return Territory.objects.filter(code=code).first()
