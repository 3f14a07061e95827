"""Staff must enrol a second factor before they can do anything else."""

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from veche.accounts.rules import has_two_factor, requires_two_factor

# Paths a staff member without a second factor may still reach: to set one up or to leave.
_ALLOWED_PREFIXES = (
    "/accounts/2fa/",
    "/accounts/logout/",
    "/accounts/reauthenticate/",
    "/i18n/",
    "/static/",
    "/healthz",
    "/accounts/password/",
    "/notifications/unsubscribe/",
)


class StaffMustUseTwoFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not request.path.startswith(_ALLOWED_PREFIXES)
            and not request.session.get("veche_mfa_ok")
        ):
            if requires_two_factor(user) and not has_two_factor(user):
                messages.warning(
                    request,
                    _(
                        "Your role requires two-factor authentication. "
                        "Set up an authenticator app to continue."
                    ),
                )
                return redirect(reverse("mfa_activate_totp"))
            # Remember for this session; a role given later is caught at the next sign-in.
            request.session["veche_mfa_ok"] = True
        return self.get_response(request)
