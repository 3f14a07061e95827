"""Pages of notifications: the inbox, e-mail settings, and the unsubscribe link from e-mails."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from veche.core.forms import parse_id
from veche.core.redirects import redirect_back
from veche.notifications import services
from veche.notifications.forms import EmailSettingsForm
from veche.notifications.links import InvalidUnsubscribeLink, user_for_unsubscribe_token
from veche.notifications.models import NotificationPreference
from veche.notifications.queries import inbox_for

PAGE_SIZE = 50


@login_required
@require_GET
def inbox(request):
    page = Paginator(inbox_for(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "notifications/inbox.html", {"page": page})


def _back_to_inbox(request):
    return redirect_back(request, reverse("notifications:inbox"))


@login_required
@require_POST
def read(request):
    ids = [pk for pk in map(parse_id, request.POST.getlist("notification")) if pk is not None]
    services.mark_read(user=request.user, ids=ids)
    return _back_to_inbox(request)


@login_required
@require_POST
def read_all(request):
    services.mark_all_read(user=request.user)
    messages.success(request, _("All notifications are marked as read."))
    return _back_to_inbox(request)


@login_required
def email_settings(request):
    preference = services.preference_for(request.user)
    form = EmailSettingsForm(request.POST or None, initial={"email_mode": preference.email_mode})
    if request.method == "POST" and form.is_valid():
        services.set_email_mode(user=request.user, email_mode=form.cleaned_data["email_mode"])
        messages.success(request, _("Your notification settings are saved."))
        return redirect("notifications:settings")
    return render(request, "notifications/settings.html", {"form": form})


def _is_one_click(request) -> bool:
    """RFC 8058: the mail provider POSTs exactly this field, without cookies or a CSRF token."""
    return request.method == "POST" and request.POST.get("List-Unsubscribe") == "One-Click"


@csrf_exempt  # only the RFC 8058 one-click POST; everything else goes through csrf_protect
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request, token: str):
    if _is_one_click(request):
        return _unsubscribe_one_click(request, token)
    return _unsubscribe_page(request, token)


def _unsubscribe_one_click(request, token: str):
    try:
        services.unsubscribe(token=token)
    except InvalidUnsubscribeLink as error:
        return render(
            request, "notifications/unsubscribe.html", {"error": error.messages[0]}, status=400
        )
    return render(request, "notifications/unsubscribe.html", {"done": True})


@csrf_protect
def _unsubscribe_page(request, token: str):
    """GET only asks (mail scanners open links); the button's POST turns e-mail off."""
    try:
        user = user_for_unsubscribe_token(token)
    except InvalidUnsubscribeLink as error:
        return render(
            request, "notifications/unsubscribe.html", {"error": error.messages[0]}, status=400
        )
    if request.method == "POST":
        services.unsubscribe(token=token)
        return render(request, "notifications/unsubscribe.html", {"done": True})
    off = services.email_modes([user.pk])[user.pk] == NotificationPreference.EmailMode.OFF
    return render(
        request,
        "notifications/unsubscribe.html",
        {"masked_email": _mask(user.email), "already_off": off},
    )


def _mask(email: str) -> str:
    """Enough for the person to recognise the address, not enough to harvest it."""
    local, _at, domain = email.partition("@")
    return f"{local[:1]}•••@{domain}"
