"""The list of problems and publishing a new one."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from veche.appeals import queries, services
from veche.appeals.forms import (
    FilterForm,
    ProblemForm,
)
from veche.appeals.models import Category
from veche.appeals.routing import route
from veche.appeals.search import similar_problems
from veche.core.paging import page_number
from veche.identity.eligibility import describe, requirement_for
from veche.identity.models import EligibilityRule
from veche.territories.geo import extents_by_territory, site_extent
from veche.territories.models import Territory


def problem_list(request):
    form = FilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    page = queries.problem_list(
        **{k: v for k, v in filters.items() if v}, page=page_number(request.GET.get("page"))
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "appeals/problem_list.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "categories": Category.objects.all(),
            "markers": queries.map_markers(page.items),
        },
    )


def _chosen_beforehand(query) -> dict:
    """What a link chose for the new problem (the "report a problem" widget of a territory):
    the territory and the category by their codes; unknown codes choose nothing."""
    chosen = {
        "territory": Territory.objects.filter(code=query.get("territory", "")).first(),
        "category": Category.objects.filter(slug=query.get("category", "")).first(),
    }
    return {name: value.pk for name, value in chosen.items() if value is not None}


@login_required
def problem_new(request):
    form = ProblemForm(
        request.POST or None, request.FILES or None, initial=_chosen_beforehand(request.GET)
    )
    similar, routed = [], None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        routed = route(data["category"], data["territory"])
        similar = similar_problems(data["title"], data["description"], territory=data["territory"])
        addressee = data["organization"] or routed
        confirmed = request.POST.get("confirm") == "publish"
        if addressee is None:
            form.add_error("organization", _("Choose the organization to address."))
        elif confirmed:
            try:
                problem = services.publish_problem(
                    author=request.user,
                    organization=addressee,
                    language=(get_language() or "ru")[:2],
                    **form.problem_fields(),
                )
            except ValidationError as error:
                form.add_error("appeal_text", error)
            except PermissionDenied as error:
                form.add_error(None, str(error))
            else:
                messages.success(
                    request,
                    _(
                        "Your problem is sent to the moderators: it is published once a "
                        "moderator approves it."
                    )
                    if problem.status == problem.Status.AWAITING
                    else _("Your problem is published. Invite your neighbours to sign the appeal."),
                )
                return redirect(problem.get_absolute_url())
        if not data["organization"] and routed is not None:
            # Show the proposed addressee selected, so the author sees and may change it.
            form.data = form.data.copy()
            form.data["organization"] = str(routed.pk)
    requirement = describe(requirement_for(EligibilityRule.Action.PUBLISH))
    return render(
        request,
        "appeals/problem_new.html",
        {
            "form": form,
            "similar": similar,
            "routed": routed,
            "requirement": requirement,
            "checked": request.method == "POST" and form.is_valid(),
            "map_extents": {
                "site": site_extent().as_list(),
                "territories": extents_by_territory(form.fields["territory"].queryset),
            },
        },
    )
