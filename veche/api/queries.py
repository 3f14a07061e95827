"""Read side of API clients: the clients of the organizations a head manages."""

from dataclasses import dataclass

import rules
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Max
from django.http import Http404

from veche.api.models import ApiClient
from veche.organizations.models import Membership, Organization
from veche.organizations.rules import organizations_where


@dataclass
class Clients:
    organization: Organization
    headed: list[Organization]
    clients: list[ApiClient]


def headed_organizations(user) -> list[Organization]:
    """The organizations whose clients this person manages, by name; 403 when none."""
    if not rules.has_perm("api.manage_clients", user):
        raise PermissionDenied
    headed = Organization.objects.filter(
        pk__in=organizations_where(user, roles=Membership.Role.HEAD)
    )
    return sorted(headed, key=lambda organization: organization.title)


def clients_of(user, slug: str | None) -> Clients:
    headed = headed_organizations(user)
    organization = next((o for o in headed if o.slug == slug), None) if slug else headed[0]
    if organization is None:
        raise Http404
    clients = list(
        ApiClient.objects.filter(organization=organization)
        .select_related("application", "issued_by", "revoked_by")
        .annotate(call_count=Count("calls"), last_call=Max("calls__created_at"))
        .order_by("revoked_at", "-created_at", "-id")
    )
    return Clients(organization=organization, headed=headed, clients=clients)


def organization_to_manage(user, slug: str) -> Organization:
    organization = Organization.objects.filter(slug=slug).first()
    if organization is None or not rules.has_perm("api.manage_clients_of", user, organization):
        raise Http404
    return organization


def client_to_manage(user, pk: int) -> ApiClient:
    client = ApiClient.objects.select_related("organization").filter(pk=pk).first()
    if client is None or not rules.has_perm("api.manage_clients_of", user, client.organization):
        raise Http404
    return client
