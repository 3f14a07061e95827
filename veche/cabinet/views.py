"""Pages of the official cabinet: the inbox, an appeal as its addressee sees it, the actions
on it, and the report on subordinate organizations. Each view parses, asks `queries` for what
this person may see, calls one service and renders or redirects."""

import rules
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from veche.cabinet.actions import ACTIONS
from veche.cabinet.deadlines import (
    days_left,
    deadline_state,
    forward_by,
    forwarding_late_since,
    registration_due,
)
from veche.cabinet.queries import (
    DEFAULT_SECTION,
    PAGE_SIZE,
    SECTIONS,
    appeal_file,
    appeal_for_cabinet,
    cabinet_scope,
    inbox,
    section_counts,
    subordinate_report,
    taken_up_by,
)


@login_required
def home(request):
    scope = cabinet_scope(request.user)
    organization = scope.pick(request.GET.get("organization"))
    section = SECTIONS.get(request.GET.get("section", ""), SECTIONS[DEFAULT_SECTION])
    today = timezone.localdate()
    counts = section_counts(organization, today)
    page = Paginator(inbox(organization, section, today), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "cabinet/home.html",
        {
            "scope": scope,
            "show_subordinates": scope.is_head,
            # Heads oversee discussions too; anyone else is asked of the rules (one query).
            "show_econtrol": scope.is_head
            or rules.has_perm("reporting.view_dashboard", request.user),
            "organization": organization,
            "read_only": not scope.works_for(organization),
            "section": section,
            "tiles": [(tile, counts[tile.key]) for tile in SECTIONS.values()],
            "page": page,
            "today": today,
            # Problems this organization took up publicly (its own staff only).
            "taken_up": taken_up_by(organization) if scope.works_for(organization) else [],
        },
    )


@login_required
def appeal_detail(request, pk: int):
    return _render_appeal(request, appeal_for_cabinet(request.user, pk))


@login_required
@require_POST
def act(request, pk: int, action: str):
    action = ACTIONS[action]
    appeal = appeal_for_cabinet(request.user, pk)
    if not request.user.has_perm(action.gate, appeal):
        raise PermissionDenied
    form = action.form(appeal, request.POST, request.FILES)
    if form.is_valid():
        try:
            done = action.perform(request.user, appeal, form.cleaned_data)
        except ValidationError as error:
            for text in error.messages:
                messages.error(request, text)
        else:
            messages.success(request, done)
            return redirect(action.next_url(appeal))
    else:
        messages.error(request, _("Please correct the form below."))
    return _render_appeal(request, appeal, bound=(action.key, form))


def _render_appeal(request, appeal, *, bound=None):
    user, today = request.user, timezone.localdate()
    left = days_left(appeal.due_date, today)
    forms = {}
    for action in ACTIONS.values():
        if user.has_perm(action.permission, appeal):
            forms[action.key] = action.form(appeal)
    if bound is not None and bound[0] in forms:
        forms[bound[0]] = bound[1]
    return render(
        request,
        "cabinet/appeal.html",
        {
            "appeal": appeal,
            # Asked of the rules alone: Django's model backend would add two queries to say no.
            "show_subordinates": rules.has_perm("cabinet.see_subordinates", user),
            "file": appeal_file(appeal),
            "forms": forms,
            "open_form": bound[0] if bound else "",
            "read_only": not user.has_perm("cabinet.act_on_appeal", appeal),
            "can_see_applicants": user.has_perm("cabinet.see_applicants", appeal),
            "deadline": deadline_state(appeal, today),
            "days_left": left,
            "days_over": -left if left is not None and left < 0 else None,
            "registration_due": registration_due(appeal),
            "forward_by": forward_by(appeal, today),
            "forwarding_late_since": forwarding_late_since(appeal, today),
            "today": today,
        },
    )


@login_required
def subordinates(request):
    scope = cabinet_scope(request.user)
    if not request.user.has_perm("cabinet.see_subordinates"):
        raise PermissionDenied
    rows, total = subordinate_report(scope, timezone.localdate())
    return render(
        request,
        "cabinet/subordinates.html",
        {"show_subordinates": True, "show_econtrol": True, "rows": rows, "total": total},
    )
