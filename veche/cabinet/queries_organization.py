"""Read side of registering cabinets and of their staff: what the applicant, the reviewers and a
head see, each fetched through the rules (404 for what a person may not see, never a hint that
it exists)."""

from dataclasses import dataclass, field

import rules
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.utils import timezone

from veche.organizations.models import CabinetApplication, Invitation, Membership, Organization
from veche.organizations.rules import organizations_where
from veche.territories.models import Territory

Status = CabinetApplication.Status
DECIDED_SHOWN = 50


def _applications() -> QuerySet[CabinetApplication]:
    return CabinetApplication.objects.select_related(
        "applicant", "decided_by", "organization"
    ).prefetch_related(Prefetch("jurisdiction", queryset=Territory.objects.order_by("path")))


def applications_to_review(user) -> dict[str, list[CabinetApplication]]:
    """The reviewers' list: every pending application, oldest first, and the latest decided."""
    if not rules.has_perm("organizations.review_applications", user):
        raise PermissionDenied
    return {
        "pending": list(_applications().filter(status=Status.PENDING).order_by("created_at", "id")),
        "decided": list(
            _applications()
            .exclude(status=Status.PENDING)
            .order_by("-decided_at", "-id")[:DECIDED_SHOWN]
        ),
    }


def pending_count() -> int:
    return CabinetApplication.objects.filter(status=Status.PENDING).count()


def application_for(user, pk: int) -> CabinetApplication:
    """An application as its applicant or a reviewer sees it."""
    application = _applications().filter(pk=pk).first()
    if application is None or not rules.has_perm(
        "organizations.view_application", user, application
    ):
        raise Http404
    return application


def my_applications(user) -> list[CabinetApplication]:
    return list(_applications().filter(applicant=user).order_by("-created_at", "-id"))


# --- Staff ------------------------------------------------------------------------------------


@dataclass
class Staff:
    organization: Organization
    headed: list[Organization]
    members: list[Membership] = field(default_factory=list)
    invitations: list[Invitation] = field(default_factory=list)
    head_count: int = 0


def headed_organizations(user) -> list[Organization]:
    """The organizations whose staff this person manages, by name; 403 when none."""
    if not rules.has_perm("cabinet.manage_staff", user):
        raise PermissionDenied
    headed = Organization.objects.filter(
        pk__in=organizations_where(user, roles=Membership.Role.HEAD)
    )
    return sorted(headed, key=lambda organization: organization.title)


def staff_of(user, slug: str | None) -> Staff:
    """The members and pending invitations of one organization the person heads (the one named
    by `slug`, else the first)."""
    headed = headed_organizations(user)
    organization = next((o for o in headed if o.slug == slug), None) if slug else headed[0]
    if organization is None:
        raise Http404
    members = list(
        # An API client's account is an official too, managed on the API clients' page.
        Membership.objects.filter(organization=organization, user__api_client__isnull=True)
        .select_related("user")
        .order_by("role", "user__last_name", "user__first_name", "user__email")
    )
    invitations = list(
        Invitation.objects.filter(organization=organization, status=Invitation.Status.PENDING)
        .select_related("invited_by")
        .order_by("-created_at", "-id")
    )
    now = timezone.now()
    for invitation in invitations:
        invitation.expired = not invitation.is_open(now)
    return Staff(
        organization=organization,
        headed=headed,
        members=members,
        invitations=invitations,
        head_count=sum(1 for m in members if m.role == Membership.Role.HEAD),
    )


def organization_to_manage(user, slug: str) -> Organization:
    organization = Organization.objects.filter(slug=slug).first()
    if organization is None or not rules.has_perm("cabinet.manage_staff_of", user, organization):
        raise Http404
    return organization


def invitation_to_manage(user, pk: int) -> Invitation:
    invitation = Invitation.objects.select_related("organization").filter(pk=pk).first()
    if invitation is None or not rules.has_perm(
        "cabinet.manage_staff_of", user, invitation.organization
    ):
        raise Http404
    return invitation


def membership_to_manage(user, pk: int) -> Membership:
    membership = Membership.objects.select_related("organization", "user").filter(pk=pk).first()
    if membership is None or not rules.has_perm(
        "cabinet.manage_staff_of", user, membership.organization
    ):
        raise Http404
    return membership


# --- Personal data ----------------------------------------------------------------------------


def personal_data(user) -> dict:
    """The applications for a cabinet the person filed, for the personal-data export."""
    return {
        "cabinet_applications": [
            {
                "organization": application.name,
                "kind": application.kind,
                "ogrn": application.ogrn,
                "head_name": application.head_name,
                "head_position": application.head_position,
                "status": application.status,
                "reason": application.reason,
                "filed_at": application.created_at.isoformat(),
                "decided_at": application.decided_at.isoformat()
                if application.decided_at
                else None,
            }
            for application in CabinetApplication.objects.filter(applicant=user).order_by("id")
        ]
    }
