"""The provider's own pages: sign-in (as a listed citizen, or with a password) and consent."""

from django.contrib.auth import login, logout
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from oauth2_provider.views import AuthorizationView

from .models import Citizen


def _next_url(request: HttpRequest) -> str:
    """Where to go after signing in: back to the authorization request, never off this site."""
    url = request.POST.get("next") or request.GET.get("next") or ""
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return ""


def sign_in(request: HttpRequest) -> HttpResponse:
    form = AuthenticationForm(request, data=request.POST or None)
    # The list of citizens comes first on the page; focus must not skip past it.
    form.fields["username"].widget.attrs.pop("autofocus", None)
    if request.method == "POST" and form.is_valid():
        login(request, form.get_user())
        return redirect(_next_url(request) or "demo_idp:signed_in")
    return render(
        request,
        "demo_idp/sign_in.html",
        {
            "form": form,
            "citizens": Citizen.objects.filter(is_active=True).order_by("pk"),
            "next": _next_url(request),
        },
        status=400 if form.errors else 200,
    )


@require_POST
def sign_in_as(request: HttpRequest) -> HttpResponse:
    # No password on purpose: in the demo anyone may be any listed citizen.
    citizen = get_object_or_404(Citizen, username=request.POST.get("username"), is_active=True)
    login(request, citizen, backend="django.contrib.auth.backends.ModelBackend")
    return redirect(_next_url(request) or "demo_idp:signed_in")


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("demo_idp:sign_in")


def signed_in(request: HttpRequest) -> HttpResponse:
    """Where a citizen lands after signing in without a relying party waiting for them."""
    return render(request, "demo_idp/signed_in.html")


class ConsentView(AuthorizationView):
    """DOT's authorization endpoint with our consent page."""

    template_name = "demo_idp/authorize.html"
