import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from veche.accounts.forms import EraseAccountForm, ProfileForm
from veche.accounts.rules import has_two_factor, requires_two_factor
from veche.accounts.services import erase_account, export_personal_data, update_profile


@login_required
def profile(request):
    user = request.user
    form = ProfileForm(
        request.POST or None,
        instance=user,
        initial={"preferred_language": user.preferred_language or translation.get_language()},
    )
    if request.method == "POST" and form.is_valid():
        update_profile(user=user, **{name: form.cleaned_data[name] for name in form.fields})
        messages.success(request, _("Your profile is saved."))
        response = redirect("accounts:profile")
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            user.preferred_language,
            samesite="Lax",
            secure=settings.LANGUAGE_COOKIE_SECURE,
            max_age=365 * 24 * 3600,
        )
        return response
    return render(
        request,
        "accounts/profile.html",
        {
            "form": form,
            "two_factor_enabled": has_two_factor(user),
            "two_factor_required": requires_two_factor(user),
            "memberships": user.memberships.select_related("organization"),
        },
    )


@login_required
@require_GET
def export_data(request):
    document = export_personal_data(user=request.user)
    response = HttpResponse(
        json.dumps(document, ensure_ascii=False, indent=2), content_type="application/json"
    )
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="veche-my-data-{stamp}.json"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
def erase(request):
    form = EraseAccountForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        user = request.user
        logout(request)
        erase_account(user=user)
        messages.success(request, _("Your account and personal data have been erased."))
        return redirect("core:home")
    return render(request, "accounts/erase.html", {"form": form})
