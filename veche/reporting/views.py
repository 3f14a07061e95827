"""E-control pages: the dashboard of discussions and its CSV and XLSX exports of the same rows;
and the public statistics page."""

import rules
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from veche.reporting import exports, queries, slowest, statistics
from veche.reporting.figures import figures
from veche.reporting.forms import DashboardFilterForm, StatisticsFilterForm
from veche.territories.geo import map_extent

PAGE_SIZE = 50
FORMATS = {
    "csv": ("text/csv; charset=utf-8", exports.write_csv),
    "xlsx": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        exports.write_xlsx,
    ),
}


def _filtered(request):
    """The person's scope (403 if none), the bound filter form and the rows it selects; no
    rows when a filter is wrong, so that nobody takes the whole list for the filtered one."""
    scope = queries.dashboard_scope(request.user)
    form = DashboardFilterForm(request.GET, scope=scope)
    rows = queries.dashboard_rows(scope, form.filters()) if form.is_valid() else []
    return form, rows


@login_required
def dashboard(request):
    form, rows = _filtered(request)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    discussion_ids = [row.discussion.pk for row in rows]
    return render(
        request,
        "reporting/dashboard.html",
        {
            "form": form,
            "page": page,
            "totals": queries.totals_of(rows),
            "waiting_questions": slowest.waiting_questions(discussion_ids),
            "slow_experts": slowest.slow_experts(discussion_ids),
            "query": query.urlencode(),
            "show_econtrol": True,
            # The cabinet's bar: organizers who are not officials have no inbox there.
            "show_subordinates": rules.has_perm("cabinet.see_subordinates", request.user),
            "hide_inbox": not rules.has_perm("cabinet.enter", request.user),
        },
        status=200 if form.is_valid() else 400,
    )


@login_required
def export(request, fmt: str):
    form, rows = _filtered(request)
    if not form.is_valid():
        problems = [
            f"{form.fields[name].label}: {' '.join(errors)}" for name, errors in form.errors.items()
        ]
        return HttpResponse(
            _("The filters are wrong, nothing was exported.") + "\n" + "\n".join(problems),
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    content_type, write = FORMATS[fmt]
    links = [request.build_absolute_uri(row.discussion.get_absolute_url()) for row in rows]
    response = HttpResponse(write(rows, links), content_type=content_type)
    filename = f"discussions-{timezone.localdate():%Y-%m-%d}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def statistics_page(request):
    """The public statistics: anyone may open it; the filters are a plain GET form. A visitor who
    has not chosen a territory sees the first city, as the rating of organizations shows it. A
    wrong filter is answered with 400 and the form's errors, the figures of the defaults below
    them under their own dates."""
    data = request.GET.copy()
    if "territory" not in data:
        city = statistics.default_territory()
        data["territory"] = city.code if city else ""
    form = StatisticsFilterForm(data)
    valid = form.is_valid()
    if valid:
        territory = form.cleaned_data["territory"]
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
        # The form shows the period counted: whole months, the empty ends filled in.
        form = StatisticsFilterForm(initial={"territory": territory, "start": start, "end": end})
    else:
        territory = None
        start, end = statistics.default_period()
    selection = statistics.Selection(territory=territory, start=start, end=end)
    return render(
        request,
        "reporting/statistics.html",
        {
            "form": form,
            "selection": selection,
            "figures": figures(selection),
            "map_extent": map_extent(territory).as_list(),
        },
        status=200 if valid else 400,
    )
