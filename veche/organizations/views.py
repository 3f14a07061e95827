from django.shortcuts import render

from veche.appeals.queries import problem_list
from veche.appeals.ratings import scores
from veche.core.files import serve_file
from veche.organizations.queries import (
    organization_by_slug,
    organizations_by_kind,
    organizations_for_territory,
)
from veche.territories.models import Territory


def organization_list(request):
    return render(request, "organizations/list.html", {"groups": organizations_by_kind()})


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
            "score": scores([organization])[0],
            "recent": problem_list(organization=organization.slug).items[:10],
        },
    )


def league_table(request):
    """Organizations answering in a territory, ranked by answer ratings and deadlines kept."""
    territory = Territory.objects.filter(code=request.GET.get("territory", "")).first()
    if territory is None:
        territory = Territory.objects.filter(kind=Territory.Kind.CITY).order_by("code").first()
    organizations = list(organizations_for_territory(territory)) if territory else []
    return render(
        request,
        "organizations/league.html",
        {
            "territory": territory,
            "rows": scores(organizations),
            "territories": Territory.objects.exclude(kind=Territory.Kind.COUNTRY).order_by("path"),
        },
    )
