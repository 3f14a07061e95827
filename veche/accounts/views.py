from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _

from veche.accounts.forms import ProfileForm
from veche.accounts.rules import has_two_factor, requires_two_factor
from veche.accounts.services import update_profile


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
            "veche_language", user.preferred_language, samesite="Lax", max_age=365 * 24 * 3600
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
