"""/accounts/webhooks/: a subscriber's endpoints (a newsroom, an NGO, a developer) that hear of
the public events of a territory; the same services and log as the cabinet's page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from veche.api import queries, webhooks
from veche.api.forms import SubscriberWebhookForm
from veche.api.views_webhooks import resume_and_tell
from veche.core.forms import put_errors


def _page(request, *, form=None, secret=None, status=200):
    if not request.user.has_perm("api.hold_webhooks"):
        raise PermissionDenied(_("Confirm your e-mail address to add webhooks."))
    response = render(
        request,
        "api/subscriber_webhooks.html",
        {
            "hooks": queries.subscriber_webhooks(request.user),
            "form": form or SubscriberWebhookForm(),
            "secret": secret,
        },
        status=status,
    )
    if secret:
        response["Cache-Control"] = "no-store"
    return response


@login_required
def webhook_list(request):
    return _page(request)


@login_required
@require_POST
def add(request):
    form = SubscriberWebhookForm(request.POST)
    secret = None
    if form.is_valid():
        try:
            subscription, value = webhooks.subscribe_person(
                user=request.user,
                url=form.cleaned_data["url"],
                events=form.cleaned_data["events"],
                territory=form.cleaned_data["territory"],
            )
        except ValidationError as error:
            put_errors(form, error)
        else:
            secret = {"subscription": subscription, "value": value}
            form = SubscriberWebhookForm()
    status = 400 if form.is_bound and form.errors else 200
    return _page(request, form=form, secret=secret, status=status)


@login_required
@require_POST
def rotate(request, pk: int):
    subscription = queries.webhook_to_manage(request.user, pk, person=True)
    value = webhooks.rotate_secret(user=request.user, subscription=subscription)
    return _page(request, secret={"subscription": subscription, "value": value})


@login_required
@require_POST
def delete(request, pk: int):
    subscription = queries.webhook_to_manage(request.user, pk, person=True)
    webhooks.remove(user=request.user, subscription=subscription)
    messages.success(
        request, _("The endpoint %(url)s hears of nothing more.") % {"url": subscription.url}
    )
    return redirect("api_subscriber_webhooks:list")


@login_required
@require_POST
def replay(request, pk: int):
    delivery = queries.delivery_to_manage(request.user, pk, person=True)
    try:
        webhooks.replay(user=request.user, delivery=delivery)
    except ValidationError as error:  # a worker is sending it right now
        for text in error.messages:
            messages.error(request, text)
    else:
        messages.success(request, _("The message will be sent again in a moment."))
    return redirect("api_subscriber_webhooks:list")


@login_required
@require_POST
def resume(request, pk: int):
    resume_and_tell(request, queries.webhook_to_manage(request.user, pk, person=True))
    return redirect("api_subscriber_webhooks:list")
