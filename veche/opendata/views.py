"""The open-data page and the download of the dumps' files (never from /media/: named files
of known days only)."""

import datetime

from django.conf import settings
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from veche.core.models import AuditHead
from veche.opendata import dumps
from veche.opendata.datasets import DATASETS

HEADS_SHOWN = 30


@require_GET
def open_data(request):
    days = dumps.stored_days()
    latest = days[0] if days else None
    return render(
        request,
        "opendata/open_data.html",
        {
            "datasets": DATASETS,
            "latest": latest,
            "manifest": dumps.manifest(latest) if latest else None,
            "days": days,
            "heads": AuditHead.objects.order_by("-day")[:HEADS_SHOWN],
            "licence": dumps.licence(),
            "keep_days": settings.VECHE_OPEN_DATA_KEEP_DAYS,
        },
    )


def _day(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise Http404 from None


@require_GET
def download(request, day: str, name: str):
    path = dumps.file_path(_day(day), name)
    if path is None:
        raise Http404
    content_type = dumps.FORMATS.get(path.suffix.lstrip("."), "application/json")
    response = FileResponse(path.open("rb"), content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    # A day's files change only when a moderator hides something they hold
    # (`veche.opendata.withdrawal`): caches keep them for an hour at most, not for good.
    response["Cache-Control"] = "public, max-age=3600"
    return response


@require_GET
def latest(request, name: str):
    """The newest day's file under a stable address, for scripts that fetch it daily."""
    days = dumps.stored_days()
    if not days or dumps.file_path(days[0], name) is None:
        raise Http404
    return redirect("opendata:download", day=days[0].isoformat(), name=name)
