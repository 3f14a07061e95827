"""The cabinet's page of API clients: the head issues a client (its secret is shown once),
sees each one's scopes and calls, and revokes it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from veche.api import queries, services
from veche.api.forms import ClientForm
from veche.core.forms import put_errors


def _page(request, clients, *, form=None, issued=None, status=200):
    return render(
        request,
        "api/clients.html",
        {
            "clients": clients,
            "form": form or ClientForm(),
            "issued": issued,
            "token_url": request.build_absolute_uri(reverse("api:token")),
            "docs_url": request.build_absolute_uri(reverse("api:docs")),
            "show_subordinates": True,
            "show_econtrol": True,
        },
        status=status,
    )


@login_required
def client_list(request):
    return _page(request, queries.clients_of(request.user, request.GET.get("organization")))


@login_required
@require_POST
def issue(request, slug: str):
    organization = queries.organization_to_manage(request.user, slug)
    form = ClientForm(request.POST)
    issued = None
    if form.is_valid():
        try:
            client, secret = services.issue_client(
                user=request.user,
                organization=organization,
                name=form.cleaned_data["name"],
                scopes=form.cleaned_data["scopes"],
            )
        except ValidationError as error:
            put_errors(form, error)
        else:
            # Not a redirect: the secret is shown on this answer only and kept nowhere.
            issued = {"client": client, "secret": secret}
            form = ClientForm()
    clients = queries.clients_of(request.user, organization.slug)
    status = 400 if form.is_bound and form.errors else 200
    response = _page(request, clients, form=form, issued=issued, status=status)
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def revoke(request, pk: int):
    client = queries.client_to_manage(request.user, pk)
    try:
        services.revoke_client(user=request.user, client=client)
    except ValidationError as error:
        for text in error.messages:
            messages.error(request, text)
    else:
        messages.success(
            request,
            _("The client “%(name)s” is revoked: its tokens no longer work.")
            % {"name": client.name},
        )
    return redirect(f"{reverse('api_clients:list')}?organization={client.organization.slug}")
