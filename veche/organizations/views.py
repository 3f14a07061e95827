from django.shortcuts import render

from veche.organizations.queries import organization_by_slug, organizations_by_kind


def organization_list(request):
    return render(request, "organizations/list.html", {"groups": organizations_by_kind()})


def organization_detail(request, slug: str):
    organization = organization_by_slug(slug)
    return render(
        request,
        "organizations/detail.html",
        {
            "organization": organization,
            "ancestors": organization.ancestors(),
        },
    )
