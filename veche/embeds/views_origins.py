"""The operator's page of the sites allowed to embed the widgets: add one, with a reason;
remove one. Nothing is embeddable until a site is added here."""

import rules
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from veche.core.forms import put_errors
from veche.embeds import services
from veche.embeds.forms import OriginForm
from veche.embeds.models import EmbedOrigin


def _operator(request) -> None:
    if not rules.has_perm("embeds.manage_origins", request.user):
        raise PermissionDenied


def _page(request, form=None, status=200):
    return render(
        request,
        "embeds/origins.html",
        {
            "origins": EmbedOrigin.objects.select_related("added_by"),
            "form": form or OriginForm(),
            "remove_url": "embeds:remove",
        },
        status=status,
    )


@login_required
def origin_list(request):
    _operator(request)
    if request.method != "POST":
        return _page(request)
    form = OriginForm(request.POST)
    if form.is_valid():
        try:
            allowed = services.allow_origin(user=request.user, **form.cleaned_data)
        except ValidationError as error:
            put_errors(form, error)
        else:
            messages.success(request, _("%(origin)s may now embed the widgets.") % vars(allowed))
            return redirect("embeds:origins")
    return _page(request, form, status=400)


@login_required
@require_POST
def remove(request, pk: int):
    _operator(request)
    allowed = get_object_or_404(EmbedOrigin, pk=pk)
    services.disallow_origin(user=request.user, allowed=allowed)
    messages.success(request, _("%(origin)s may no longer embed the widgets.") % vars(allowed))
    return redirect("embeds:origins")
