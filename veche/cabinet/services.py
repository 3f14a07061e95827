"""Use cases of an organization's cabinet beyond its appeals: applying for a cabinet, the platform
administrators' review of the applications, and the head's staff (invitations, accepting one,
removing a member). Each runs in one transaction, asks the rules, records an audit event, and
tells people once it commits: notices, and the invitation letter through the outbox."""

import datetime
import secrets
from collections.abc import Iterable

import rules
from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from veche.cabinet import notices
from veche.cabinet.invitation_tokens import invitation_for_token
from veche.core import outbox
from veche.core.audit import record_event
from veche.core.forms import normalize_line
from veche.core.images import strip_metadata
from veche.notifications.services import announce
from veche.organizations.models import (
    INVITABLE_ROLES,
    CabinetApplication,
    Invitation,
    Membership,
    Organization,
)
from veche.organizations.rules import forget_roles
from veche.organizations.slugs import free_slug
from veche.territories.models import Territory

# How long an invitation's link works.
INVITATION_DAYS = 7

Status = CabinetApplication.Status
# What an application says about the organization; the service takes these and no others.
DETAILS = (
    "name",
    "short_name",
    "kind",
    "ogrn",
    "appeals_email",
    "head_name",
    "head_position",
    "postal_address",
    "phone",
    "website",
)


def _require(allowed: bool, message: str | None = None) -> None:
    if not allowed:
        raise PermissionDenied(message or _("You may not do this."))


def _ogrn_taken(ogrn: str) -> str | None:
    """Why an application with this OGRN cannot go on, or None."""
    if not ogrn:
        return None
    if Organization.objects.filter(ogrn=ogrn).exists():
        return _("An organization with this OGRN already has a cabinet on Veche.")
    if CabinetApplication.objects.filter(ogrn=ogrn, status=Status.PENDING).exists():
        return _("An application with this OGRN is already awaiting review.")
    return None


# --- Applications for a cabinet ---------------------------------------------------------------


@transaction.atomic
def apply_for_cabinet(
    *, user, details: dict, jurisdiction: Iterable[Territory], logo=None
) -> CabinetApplication:
    """File an application for an organization's cabinet; the person filing it will head it."""
    _require(
        rules.has_perm("cabinet.apply_for_cabinet", user),
        _("Confirm your identity (by phone, a census list or an identity provider) to apply."),
    )
    unknown = set(details) - set(DETAILS)
    if unknown:
        raise ValueError(f"not details of an application: {sorted(unknown)}")
    jurisdiction = list(jurisdiction)
    if not jurisdiction:
        raise ValidationError(
            {"jurisdiction": _("Choose the territories the organization serves.")}
        )
    # A double click must not file twice: the person's row is locked, so two requests at once
    # are checked one after the other (and the OGRN's unique constraint holds across people).
    get_user_model().objects.select_for_update().filter(pk=user.pk).first()
    application = CabinetApplication(applicant=user, **details)
    application.head_name = normalize_line(application.head_name)
    application.head_position = normalize_line(application.head_position)
    taken = _ogrn_taken(application.ogrn)
    if taken:
        raise ValidationError({"ogrn": taken})
    if CabinetApplication.objects.filter(
        applicant=user, status=Status.PENDING, name=application.name, kind=application.kind
    ).exists():
        raise ValidationError(_("You have already filed this application; it is awaiting review."))
    clean_logo = None
    if logo:
        try:
            clean_logo = strip_metadata(logo)
        except ValidationError as error:
            raise ValidationError({"logo": error.messages}) from None
    application.full_clean(exclude=["applicant", "logo"])
    try:
        with transaction.atomic():
            application.save()
    except IntegrityError:
        # Someone else filed the same OGRN a moment ago.
        raise ValidationError(
            {"ogrn": _("An application with this OGRN is already awaiting review.")}
        ) from None
    application.jurisdiction.set(jurisdiction)
    if clean_logo is not None:
        application.logo.save(clean_logo.name, clean_logo, save=True)
    record_event(actor=user, action="organization.cabinet_applied", target=application)
    announce(subject=application, event="filed", context={"actor": user.pk})
    return application


def _lock_pending(application: CabinetApplication, user) -> CabinetApplication:
    application = CabinetApplication.objects.select_for_update().get(pk=application.pk)
    _require(rules.has_perm("organizations.review_application", user, application))
    if application.status != Status.PENDING:
        raise ValidationError(_("This application has already been decided."))
    return application


@transaction.atomic
def approve_application(*, user, application: CabinetApplication, slug: str) -> Organization:
    """Create the organization the application describes, its jurisdiction, and the applicant's
    membership as its head."""
    application = _lock_pending(application, user)
    if application.ogrn and Organization.objects.filter(ogrn=application.ogrn).exists():
        raise ValidationError(_("An organization with this OGRN already has a cabinet on Veche."))
    if Organization.objects.filter(slug=slug).exists():
        raise ValidationError({"slug": _("This code is taken by another organization.")})
    position = {settings.LANGUAGE_CODE: application.head_position}
    organization = Organization(
        slug=slug,
        name=application.name,
        short_name=application.short_name,
        kind=application.kind,
        ogrn=application.ogrn,
        dispatch_email=application.appeals_email,
        phone=application.phone,
        website=application.website,
        postal_address=application.postal_address,
        letterhead_heading=application.name,
        signatory_title=position,
    )
    if application.logo:
        # The picture was cleaned when it came; the organization shows the same file.
        organization.logo.name = application.logo.name
    organization.full_clean()
    organization.save()
    organization.jurisdiction.set(application.jurisdiction.all())
    membership = Membership.objects.create(
        organization=organization,
        user=application.applicant,
        role=Membership.Role.HEAD,
        position=application.head_position,
    )
    application.status = Status.APPROVED
    application.organization = organization
    application.decided_by = user
    application.decided_at = timezone.now()
    application.save(update_fields=["status", "organization", "decided_by", "decided_at"])
    record_event(
        actor=user,
        action="organization.application_approved",
        target=application,
        data={"organization": organization.pk, "membership": membership.pk},
    )
    announce(subject=application, event="approved", context={"actor": user.pk})
    return organization


@transaction.atomic
def refuse_application(*, user, application: CabinetApplication, reason: str):
    application = _lock_pending(application, user)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason: the applicant reads it.")})
    application.status = Status.REFUSED
    application.reason = reason
    application.decided_by = user
    application.decided_at = timezone.now()
    application.save(update_fields=["status", "reason", "decided_by", "decided_at"])
    record_event(actor=user, action="organization.application_refused", target=application)
    announce(subject=application, event="refused", context={"actor": user.pk})
    return application


def suggested_slug(application: CabinetApplication) -> str:
    """A free code for the organization's address, from its English or Russian name."""
    return free_slug(application.name)


# --- Staff: invitations and members ---------------------------------------------------------


def _lock_organization(organization: Organization) -> Organization:
    """Changes to one organization's staff are made one at a time: two heads removing each other
    at once must not leave it headless. The organization is always locked before an invitation
    of it, by every service here, so that two of them never wait for each other."""
    return Organization.objects.select_for_update().get(pk=organization.pk)


def _manages_staff(user, organization: Organization) -> bool:
    """Asked once the organization is locked, of the roles as they stand now: the page asked
    of the roles it read before, which another head may have changed while it waited."""
    forget_roles(user)
    return rules.has_perm("cabinet.manage_staff_of", user, organization)


@transaction.atomic
def invite_staff(
    *, user, organization: Organization, email: str, role: str, position: str = "", language=""
) -> Invitation:
    organization = _lock_organization(organization)
    _require(_manages_staff(user, organization))
    if role not in INVITABLE_ROLES:
        raise ValidationError({"role": _("Choose one of the roles offered.")})
    email = email.strip()
    now = timezone.now()
    # Each invitation is a letter in the organization's name: not a mailing list.
    most = settings.VECHE_INVITATIONS_PER_DAY
    if (
        Invitation.objects.filter(
            organization=organization, created_at__gt=now - datetime.timedelta(days=1)
        ).count()
        >= most
    ):
        raise ValidationError(
            _(
                "%(organization)s has sent %(most)s invitations in the last 24 hours, as many as "
                "a day allows: send the next ones tomorrow."
            )
            % {"organization": organization.short_title, "most": most}
        )
    if Membership.objects.filter(
        organization=organization, role=role, user__email__iexact=email
    ).exists():
        raise ValidationError({"email": _("This person already holds this role here.")})
    if Invitation.objects.filter(
        organization=organization,
        email__iexact=email,
        role=role,
        status=Invitation.Status.PENDING,
        expires_at__gt=now,
    ).exists():
        raise ValidationError(
            {"email": _("This person is already invited to this role; the invitation is pending.")}
        )
    invitation = Invitation(
        organization=organization,
        email=email,
        role=role,
        position=normalize_line(position),
        nonce=secrets.token_urlsafe(32),
        language=language or settings.LANGUAGE_CODE,
        invited_by=user,
        created_at=now,
        expires_at=now + datetime.timedelta(days=INVITATION_DAYS),
    )
    invitation.full_clean(exclude=["invited_by"])
    invitation.save()
    # The audit log is kept for ever: it names the role and the organization, not the address.
    record_event(
        actor=user,
        action="organization.staff_invited",
        target=invitation,
        data={"organization": organization.pk, "role": role},
    )
    outbox.put(kind=notices.INVITATION_KIND, target_id=invitation.pk)
    return invitation


@transaction.atomic
def accept_invitation(*, user, token: str) -> Membership:
    """The invited person takes the role: once, before the expiry, from the account that holds
    the invited address (confirmed)."""
    found = invitation_for_token(token)
    if found is None:
        raise ValidationError(_("This invitation link is not valid."))
    organization = _lock_organization(found.organization)
    invitation = Invitation.objects.select_for_update().get(pk=found.pk)
    if invitation.status == Invitation.Status.ACCEPTED:
        raise ValidationError(_("This invitation has already been accepted."))
    if invitation.status == Invitation.Status.REVOKED:
        raise ValidationError(_("The organization has withdrawn this invitation."))
    if invitation.expires_at <= timezone.now():
        raise ValidationError(_("This invitation has expired: ask the head for a new one."))
    if not EmailAddress.objects.filter(
        user=user, email__iexact=invitation.email, verified=True
    ).exists():
        raise PermissionDenied(
            _(
                "This invitation was sent to %(email)s: sign in with the account of that "
                "address (and confirm it) to accept it."
            )
            % {"email": invitation.email}
        )
    inviter = invitation.invited_by
    if inviter is None or not _manages_staff(inviter, organization):
        # A head removed after inviting (perhaps themself, at another address) brings nobody in.
        raise ValidationError(
            _(
                "Whoever sent this invitation no longer manages the staff of %(organization)s: "
                "ask one of its heads for a new one."
            )
            % {"organization": organization.short_title}
        )
    membership, _created = Membership.objects.get_or_create(
        organization=invitation.organization,
        user=user,
        role=invitation.role,
        defaults={"position": invitation.position},
    )
    invitation.status = Invitation.Status.ACCEPTED
    invitation.accepted_by = user
    invitation.closed_at = timezone.now()
    invitation.save(update_fields=["status", "accepted_by", "closed_at"])
    record_event(
        actor=user,
        action="organization.invitation_accepted",
        target=invitation,
        data={
            "organization": invitation.organization_id,
            "role": invitation.role,
            "membership": membership.pk,
        },
    )
    announce(subject=invitation, event="accepted", context={"actor": user.pk})
    return membership


@transaction.atomic
def revoke_invitation(*, user, invitation: Invitation) -> Invitation:
    organization = _lock_organization(invitation.organization)
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    _require(_manages_staff(user, organization))
    if invitation.status != Invitation.Status.PENDING:
        raise ValidationError(_("This invitation is no longer pending."))
    return _revoke(invitation, actor=user)


def _revoke(invitation: Invitation, *, actor, **why) -> Invitation:
    """Withdraw a pending invitation (held under its lock), on record with `why`."""
    invitation.status = Invitation.Status.REVOKED
    invitation.closed_at = timezone.now()
    invitation.save(update_fields=["status", "closed_at"])
    record_event(
        actor=actor,
        action="organization.invitation_revoked",
        target=invitation,
        data={"organization": invitation.organization_id, "role": invitation.role, **why},
    )
    return invitation


@transaction.atomic
def remove_member(*, user, membership: Membership) -> None:
    organization = _lock_organization(membership.organization)
    _require(_manages_staff(user, organization))
    membership = Membership.objects.filter(pk=membership.pk, organization=organization).first()
    if membership is None:
        raise ValidationError(_("This person no longer holds this role."))
    if Membership.objects.filter(pk=membership.pk, user__api_client__isnull=False).exists():
        # Its role goes with its OAuth application and tokens, or it would stay listed as active.
        raise ValidationError(
            _("This is the account of an API client: revoke the client on the API clients page.")
        )
    if (
        membership.role == Membership.Role.HEAD
        and not organization.memberships.filter(role=Membership.Role.HEAD)
        .exclude(pk=membership.pk)
        .exists()
    ):
        raise ValidationError(
            _("An organization keeps at least one head: invite another head first.")
        )
    record_event(
        actor=user,
        action="organization.member_removed",
        target=organization,
        data={"user": membership.user_id, "role": membership.role},
    )
    membership.delete()
    if membership.role == Membership.Role.HEAD:
        _revoke_invitations_sent_by(membership.user, organization, actor=user)


def _revoke_invitations_sent_by(inviter, organization: Organization, *, actor) -> None:
    """A head who no longer heads the organization brings nobody in: the invitations they sent
    that still wait are withdrawn, each on record."""
    for invitation in Invitation.objects.select_for_update().filter(
        organization=organization, invited_by=inviter, status=Invitation.Status.PENDING
    ):
        _revoke(invitation, actor=actor, reason="the inviter no longer heads the organization")


# --- Erasure of an account ------------------------------------------------------------------


def erase_personal_data(user) -> None:
    """What erasing an account does here. Runs inside the erasure's transaction.

    - An application not yet decided is withdrawn (it and its logo go): nobody is left to head
      the cabinet. A decided one stays as the record of how the organization came to Veche.
    - Pending invitations to the person's addresses go; the roles go with the account."""
    for application in CabinetApplication.objects.select_for_update().filter(
        applicant=user, status=Status.PENDING
    ):
        record_event(
            actor=user,
            action="organization.application_withdrawn",
            target=application,
            data={"reason": "account erased"},
        )
        logo = application.logo
        application.delete()
        if logo:
            transaction.on_commit(lambda f=logo: f.storage.delete(f.name), robust=True)
    addresses = list(EmailAddress.objects.filter(user=user).values_list("email", flat=True))
    for address in {user.email, *addresses}:
        Invitation.objects.filter(email__iexact=address, status=Invitation.Status.PENDING).delete()
