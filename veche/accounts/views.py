import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from veche.accounts.forms import EraseAccountForm, ProcessingConsentForm, ProfileForm
from veche.accounts.rules import has_two_factor, requires_two_factor
from veche.accounts.services import (
    consent_to_processing,
    erase_account,
    export_personal_data,
    update_profile,
)
from veche.core.redirects import is_safe_next


def _safe_next(request, default: str) -> str:
    """The `next` asked for if it is a path of this site (veche.core.redirects), else `default`:
    a word there is no view's name to look up (`redirect` would try), just a wrong address."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    return target if is_safe_next(request, target) else default


def admin_login(request):
    """The admin's own form would sign staff in with the password alone and outside allauth's
    rate limits: there is one sign-in, allauth's, with its second factor and limits."""
    if request.user.is_authenticated:
        # Signed in without the admin's permission: the sign-in would send them straight back.
        raise PermissionDenied
    target = _safe_next(request, reverse("admin:index"))
    return redirect(f"{reverse('account_login')}?{urlencode({'next': target})}")


@login_required
def consent(request):
    form = ProcessingConsentForm(request.POST or None)
    target = _safe_next(request, reverse(settings.LOGIN_REDIRECT_URL))
    if request.method == "POST" and form.is_valid():
        consent_to_processing(user=request.user)
        return HttpResponseRedirect(target)
    return render(request, "accounts/consent.html", {"form": form, "next": target})


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
