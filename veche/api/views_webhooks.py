"""The cabinet's page of webhooks: the head adds an endpoint (its secret is shown once), rotates
its secret, deletes it, resumes it once paused, and sees the latest deliveries, replaying one."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from veche.api import queries, webhooks
from veche.api.forms import WebhookForm
from veche.core.forms import put_errors


def _page(request, hooks, *, form=None, secret=None, status=200):
    response = render(
        request,
        "api/webhooks.html",
        {
            "hooks": hooks,
            "form": form or WebhookForm(),
            "secret": secret,
            "show_subordinates": True,
            "show_econtrol": True,
        },
        status=status,
    )
    if secret:
        response["Cache-Control"] = "no-store"
    return response


def _back(organization):
    return redirect(f"{reverse('api_webhooks:list')}?organization={organization.slug}")


@login_required
def webhook_list(request):
    return _page(request, queries.webhooks_of(request.user, request.GET.get("organization")))


@login_required
@require_POST
def add(request, slug: str):
    organization = queries.organization_to_manage(request.user, slug)
    form = WebhookForm(request.POST)
    secret = None
    if form.is_valid():
        try:
            subscription, secret = webhooks.subscribe(
                user=request.user,
                organization=organization,
                url=form.cleaned_data["url"],
                events=form.cleaned_data["events"],
            )
        except ValidationError as error:
            put_errors(form, error)
        else:
            secret = {"subscription": subscription, "value": secret}
            form = WebhookForm()
    hooks = queries.webhooks_of(request.user, organization.slug)
    status = 400 if form.is_bound and form.errors else 200
    return _page(request, hooks, form=form, secret=secret, status=status)


@login_required
@require_POST
def rotate(request, pk: int):
    subscription = queries.webhook_to_manage(request.user, pk)
    value = webhooks.rotate_secret(user=request.user, subscription=subscription)
    hooks = queries.webhooks_of(request.user, subscription.organization.slug)
    return _page(request, hooks, secret={"subscription": subscription, "value": value})


@login_required
@require_POST
def delete(request, pk: int):
    subscription = queries.webhook_to_manage(request.user, pk)
    webhooks.remove(user=request.user, subscription=subscription)
    messages.success(
        request, _("The endpoint %(url)s hears of nothing more.") % {"url": subscription.url}
    )
    return _back(subscription.organization)


@login_required
@require_POST
def replay(request, pk: int):
    delivery = queries.delivery_to_manage(request.user, pk)
    try:
        webhooks.replay(user=request.user, delivery=delivery)
    except ValidationError as error:
        for text in error.messages:
            messages.error(request, text)
    else:
        messages.success(request, _("The message will be sent again in a moment."))
    return _back(delivery.subscription.organization)


def resume_and_tell(request, subscription) -> None:
    """Resume a paused endpoint and say how many held messages are on their way (both pages)."""
    try:
        count = webhooks.resume(user=request.user, subscription=subscription)
    except ValidationError as error:  # not paused (any more)
        for text in error.messages:
            messages.error(request, text)
        return
    messages.success(
        request,
        ngettext(
            "The endpoint %(url)s hears of events again; %(count)d held message is on its way.",
            "The endpoint %(url)s hears of events again; %(count)d held messages are on their way.",
            count,
        )
        % {"url": subscription.url, "count": count},
    )


@login_required
@require_POST
def resume(request, pk: int):
    subscription = queries.webhook_to_manage(request.user, pk)
    resume_and_tell(request, subscription)
    return _back(subscription.organization)
