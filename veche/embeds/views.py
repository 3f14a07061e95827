"""The widgets other sites frame (a minimal page each, links opening the full site in a new
tab) and the oEmbed endpoint that describes them."""

from urllib.parse import urlsplit

from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from veche.core.forms import parse_id
from veche.embeds import queries, widgets
from veche.embeds.framing import widget

OEMBED_CACHE_SECONDS = 3600


def _subject(kind: str, value):
    subject = widgets.WIDGETS[kind].find(value)
    if subject is None:
        raise Http404
    return subject


@require_GET
@widget
def discussion(request, pk: int):
    return render(request, "embeds/discussion.html", {"discussion": _subject("discussion", pk)})


@require_GET
@widget
def report(request, code: str):
    territory = _subject("report", code)
    return render(request, "embeds/report.html", queries.report_context(territory))


@require_GET
@widget
def rating(request, slug: str):
    organization = _subject("rating", slug)
    return render(
        request,
        "embeds/rating.html",
        {"organization": organization, "place": queries.place_in_rating(organization)},
    )


def _dimension(request, name: str) -> int | None:
    return parse_id(request.GET.get(name))


@require_GET
def oembed(request):
    """oEmbed 1.0 (https://oembed.com): a "rich" answer with the iframe, for a page of ours that
    has a widget; 404 for any other address, 501 for XML (which the standard names and this
    provider does not serve), 400 for a format that is no format."""
    wanted = request.GET.get("format", "json")
    if wanted == "xml":  # a format the standard names and this provider does not serve
        return HttpResponse(status=501)
    if wanted != "json":
        return HttpResponse(status=400)
    url = urlsplit(request.GET.get("url", ""))
    if url.scheme not in ("http", "https") or url.netloc != request.get_host():
        raise Http404
    found = widgets.widget_for_path(url.path)
    if found is None:
        raise Http404
    kind, subject = found
    width, height = kind.width, kind.height
    max_width, max_height = _dimension(request, "maxwidth"), _dimension(request, "maxheight")
    if max_width:
        width = min(width, max_width)
    if max_height:
        height = min(height, max_height)
    site = f"{request.scheme}://{request.get_host()}"
    answer = JsonResponse(
        {
            "version": "1.0",
            "type": "rich",
            "provider_name": _("Veche"),
            "provider_url": f"{site}/",
            "title": kind.title(subject),
            "html": widgets.iframe(
                kind, subject, site=site, language=get_language(), width=width, height=height
            ),
            "width": width,
            "height": height,
            "cache_age": OEMBED_CACHE_SECONDS,
        }
    )
    # Public facts only: any page's script may ask.
    answer["Access-Control-Allow-Origin"] = "*"
    return answer
