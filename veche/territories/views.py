from django.shortcuts import render

from veche.appeals.queries import problem_list
from veche.organizations.queries import organizations_for_territory
from veche.territories.queries import territory_by_code, territory_tree


def territory_list(request):
    return render(request, "territories/list.html", {"territories": territory_tree()})


def territory_detail(request, code: str):
    territory = territory_by_code(code)
    return render(
        request,
        "territories/detail.html",
        {
            "territory": territory,
            "ancestors": territory.ancestors(),
            "children": territory.children.order_by("code"),
            "organizations": organizations_for_territory(territory),
            "problems": problem_list(territory=territory.code).items[:8],
        },
    )
