"""Issuing and revoking an organization's API clients, and the log of their calls. The head of
the organization issues a client with the scopes it needs; the client gets its own account, an
official of the organization, so the API acts through the same rules and services as the
cabinet. Each change runs in one transaction, asks the rules, and leaves an audit row."""

import secrets

import rules
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from oauth2_provider.models import get_application_model

from veche.api.models import ApiCall, ApiClient, Scope
from veche.core.audit import record_event
from veche.core.forms import normalize_line
from veche.organizations.models import Membership, Organization

# The accounts of clients get addresses that can never receive mail (RFC 2606).
ACCOUNT_DOMAIN = "api-client.invalid"


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied(_("Only the head of the organization manages its API clients."))


@transaction.atomic
def issue_client(*, user, organization: Organization, name: str, scopes) -> tuple[ApiClient, str]:
    """A new client with its secret, which is shown this once and kept only hashed."""
    organization = Organization.objects.select_for_update().get(pk=organization.pk)
    _require(rules.has_perm("api.manage_clients_of", user, organization))
    name = normalize_line(name)
    if not name:
        raise ValidationError({"name": _("Name the system that will use the client.")})
    scopes = sorted(set(scopes))
    if not scopes:
        raise ValidationError({"scopes": _("Choose what the client may do.")})
    unknown = set(scopes) - set(Scope.values)
    if unknown:
        raise ValidationError({"scopes": _("Choose among the scopes offered.")})
    account = get_user_model().objects.create_user(
        email=f"{secrets.token_hex(12)}@{ACCOUNT_DOMAIN}", password=None, first_name=name[:150]
    )
    Membership.objects.create(
        organization=organization,
        user=account,
        role=Membership.Role.OFFICIAL,
        position=_("API client: %(name)s") % {"name": name[:170]},
    )
    secret = secrets.token_urlsafe(40)
    Application = get_application_model()
    application = Application.objects.create(
        name=name[:255],
        user=account,
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_CLIENT_CREDENTIALS,
        client_secret=secret,
    )
    client = ApiClient.objects.create(
        organization=organization,
        name=name,
        scopes=scopes,
        application=application,
        account=account,
        issued_by=user,
    )
    record_event(
        actor=user,
        action="api.client_issued",
        target=client,
        data={
            "organization": organization.pk,
            "scopes": scopes,
            "client_id": application.client_id,
        },
    )
    return client, secret


@transaction.atomic
def revoke_client(*, user, client: ApiClient) -> ApiClient:
    """The client's tokens stop working at once, and its account loses its role."""
    client = ApiClient.objects.select_for_update().get(pk=client.pk)
    _require(rules.has_perm("api.manage_clients_of", user, client.organization))
    if client.revoked_at is not None:
        raise ValidationError(_("This client has already been revoked."))
    client_id = client.client_id
    if client.application is not None:
        client.application.delete()  # its tokens go with it
    Membership.objects.filter(user=client.account).delete()
    account = client.account
    account.is_active = False
    account.save(update_fields=["is_active"])
    client.application = None
    client.revoked_at = timezone.now()
    client.revoked_by = user
    client.save(update_fields=["application", "revoked_at", "revoked_by"])
    record_event(
        actor=user,
        action="api.client_revoked",
        target=client,
        data={"organization": client.organization_id, "client_id": client_id},
    )
    return client


def record_call(*, client: ApiClient, method: str, path: str, status: int) -> ApiCall:
    """One line of the client's call log (its own commit: a refused call is logged too)."""
    return ApiCall.objects.create(client=client, method=method[:8], path=path[:300], status=status)
