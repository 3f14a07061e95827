"""Who hears what about applications for a cabinet and staff invitations: reviewers hear of a new
application, the applicant of the decision, the head who invited of an accepted invitation
(notice kinds registered with the notifications app, `register`, from `CabinetConfig.ready()`);
the invited person gets the invitation letter through the outbox, since they may have no
account yet.

The services announce an event in the transaction of the change
(`veche.notifications.services.announce`); the outbox's worker works out who hears of it."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.mail import EmailMessage
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from veche.cabinet.invitation_tokens import make_token
from veche.core import outbox
from veche.notifications import registry
from veche.organizations.models import CabinetApplication, Invitation, Membership
from veche.organizations.rules import REVIEW_MODEL_PERMISSION

# The outbox kind of the letter that carries an invitation's link.
INVITATION_KIND = "cabinet.invitation"


def reviewers() -> set[int]:
    """The platform administrators who review applications (`organizations.review_applications`):
    active staff granted the model permission, directly or by group, and superusers."""
    app_label, codename = REVIEW_MODEL_PERMISSION.split(".")
    permission = Permission.objects.filter(content_type__app_label=app_label, codename=codename)
    return set(
        get_user_model()
        .objects.filter(is_active=True, is_staff=True)
        .filter(
            Q(is_superuser=True)
            | Q(user_permissions__in=permission)
            | Q(groups__permissions__in=permission)
        )
        .values_list("pk", flat=True)
    )


class OwnNotice(registry.Notice):
    """A notice of this app: its text is ``cabinet/notices/<kind less the prefix>.txt``."""

    @property
    def template_name(self) -> str:
        return f"cabinet/notices/{self.kind.removeprefix('cabinet_')}.txt"


class AboutApplication(OwnNotice):
    def title_params(self, application: CabinetApplication, extra: dict) -> dict:
        # Read in the recipient's language: the organization's name is kept in several.
        return {"title": application.title}

    def template_context(self, application: CabinetApplication, extra: dict) -> dict:
        return {"application": application} | extra

    def url(self, application, extra):
        return reverse("cabinet:application", args=[application.pk])


class ApplicationFiled(AboutApplication):
    kind = "cabinet_application_filed"
    title = _("New application for a cabinet: %(title)s")

    def audience(self, application, context, extra):
        return reviewers() - {application.applicant_id}


class ApplicationApproved(AboutApplication):
    kind = "cabinet_application_approved"
    title = _("The cabinet of %(title)s is open")

    def audience(self, application, context, extra):
        return {application.applicant_id}


class ApplicationRefused(ApplicationApproved):
    kind = "cabinet_application_refused"
    title = _("Your application for a cabinet of %(title)s is refused")


class InvitationAccepted(OwnNotice):
    kind = "cabinet_invitation_accepted"
    title = _("%(person)s has joined %(organization)s")

    def audience(self, invitation: Invitation, context, extra):
        # Every head hears who joined, not only the inviter (who may no longer be one).
        heads = Membership.objects.filter(
            organization=invitation.organization_id, role=Membership.Role.HEAD
        ).values_list("user_id", flat=True)
        inviter = {invitation.invited_by_id} if invitation.invited_by_id else set()
        return (inviter | set(heads)) - {invitation.accepted_by_id}

    def title_params(self, invitation: Invitation, extra: dict) -> dict:
        person = invitation.accepted_by.private_name if invitation.accepted_by else ""
        return {"person": person, "organization": invitation.organization.short_title}

    def template_context(self, invitation: Invitation, extra: dict) -> dict:
        return {"invitation": invitation}

    def url(self, invitation, extra):
        return f"{reverse('cabinet:staff')}?organization={invitation.organization.slug}"


def register() -> None:
    registry.register_subject(
        CabinetApplication.objects.all(),
        events={
            "filed": (ApplicationFiled(),),
            "approved": (ApplicationApproved(),),
            "refused": (ApplicationRefused(),),
        },
    )
    registry.register_subject(
        Invitation.objects.select_related("organization", "accepted_by"),
        events={"accepted": (InvitationAccepted(),)},
    )


def send_invitation(message) -> None:
    """The outbox's sender for INVITATION_KIND: mail the invited person the link, while the
    invitation is still open."""
    invitation = (
        Invitation.objects.select_related("organization", "invited_by")
        .filter(pk=message.target_id)
        .first()
    )
    if invitation is None or not invitation.is_open(timezone.now()):
        raise outbox.NothingToSend("the invitation is no longer open")
    link = settings.SITE_URL + reverse("cabinet:invitation", args=[make_token(invitation)])
    with translation.override(invitation.language or settings.LANGUAGE_CODE):
        subject = str(
            _("Invitation to the cabinet of %(organization)s on Veche")
            % {"organization": invitation.organization.short_title}
        )
        body = render_to_string(
            "cabinet/email/invitation.txt",
            {"invitation": invitation, "link": link, "site_url": settings.SITE_URL},
        )
    EmailMessage(
        subject,
        body,
        to=[invitation.email],
        headers={"Auto-Submitted": "auto-generated", "Message-ID": message.message_id},
    ).send()
