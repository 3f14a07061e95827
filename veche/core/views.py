"""Site-wide pages: home, about, privacy, the published heads of the audit log, health check."""

import logging

from django.conf import settings
from django.core.paginator import Paginator
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from veche.core.models import GENESIS_HASH, AuditHead
from veche.core.sections import page_sections

logger = logging.getLogger(__name__)


def home(request):
    """Core's welcome, and below it what the apps registered for the home page."""
    return render(request, "core/home.html", {"sections": page_sections(request, "home")})


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
