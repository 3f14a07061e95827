from django.shortcuts import render

from veche.core.files import serve_file
from veche.core.sections import page_sections
from veche.organizations.queries import (
    organization_by_slug,
    organizations_by_kind,
)
from veche.territories.models import Territory
from veche.territories.my_territory import current_territory


def organization_list(request):
    return render(
        request,
        "organizations/list.html",
        {
            "groups": organizations_by_kind(),
            # Apps above add their parts: the cabinet, how an organization applies for one.
            "sections": page_sections(request, "organizations"),
        },
    )


def organization_logo(request, slug: str):
    """The logo of a public organization (uploaded files are never served from /media/)."""
    organization = organization_by_slug(slug)
    return serve_file(organization.logo, filename=f"{slug}-logo", public=True)


def organization_detail(request, slug: str):
    organization = organization_by_slug(slug)
    return render(
        request,
        "organizations/detail.html",
        {
            "organization": organization,
            "ancestors": organization.ancestors(),
            "sections": page_sections(request, "organization", organization),
        },
    )


def league_table(request):
    """The rating of organizations answering in a territory and inside it: this page chooses the
    territory (the one asked for, else the visitor's own, else the first city), the table is the
    "league" page's section that appeals registers (answer ratings and deadlines kept)."""
    territory = Territory.objects.filter(code=request.GET.get("territory", "")).first()
    if territory is None:
        territory = current_territory(request)
    if territory is None or territory.kind == Territory.Kind.COUNTRY:
        territory = Territory.objects.filter(kind=Territory.Kind.CITY).order_by("code").first()
    return render(
        request,
        "organizations/league.html",
        {
            "territory": territory,
            "sections": page_sections(request, "league", territory),
            "territories": Territory.objects.exclude(kind=Territory.Kind.COUNTRY).order_by("path"),
        },
    )
