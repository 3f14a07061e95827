"""The resident's page of Open311 keys: issue a key for an app (shown once), see when each was
last used, revoke it."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from veche.api.models import Open311Key
from veche.api.open311 import services
from veche.core.forms import SingleLineField, put_errors


class KeyForm(forms.Form):
    name = SingleLineField(
        label=gettext_lazy("App"),
        max_length=100,
        help_text=gettext_lazy("The app that will file problems in your name, e.g. “City Fix”."),
    )


def _page(request, *, form=None, issued=None, status=200):
    if not request.user.has_perm("api.hold_open311_keys"):
        raise PermissionDenied
    response = render(
        request,
        "api/open311_keys.html",
        {
            "keys": Open311Key.objects.filter(user=request.user),
            "form": form or KeyForm(),
            "issued": issued,
            "endpoint": request.build_absolute_uri(reverse("open311:requests", args=["json"])),
            "discovery": request.build_absolute_uri(reverse("open311:discovery", args=["json"])),
        },
        status=status,
    )
    response["Cache-Control"] = "no-store"
    return response


@login_required
def key_list(request):
    return _page(request)


@login_required
@require_POST
def issue(request):
    form = KeyForm(request.POST)
    issued = None
    if form.is_valid():
        try:
            key, raw = services.issue_key(user=request.user, name=form.cleaned_data["name"])
        except ValidationError as error:
            put_errors(form, error)
        else:
            # Not a redirect: the key is shown on this answer only and kept nowhere.
            issued = {"key": key, "raw": raw}
            form = KeyForm()
    return _page(request, form=form, issued=issued, status=400 if form.errors else 200)


@login_required
@require_POST
def revoke(request, pk: int):
    key = Open311Key.objects.filter(pk=pk, user=request.user).first()
    if key is None:
        raise Http404
    try:
        services.revoke_key(user=request.user, key=key)
    except ValidationError as error:
        for text in error.messages:
            messages.error(request, text)
    else:
        messages.success(
            request,
            _("The key of “%(name)s” is revoked: the app can no longer file.") % {"name": key.name},
        )
    return redirect("open311_keys:list")
