"""Who hears what about applications for a cabinet and staff invitations: reviewers hear of a new
application, the applicant of the decision, a head of an accepted invitation (notices, mailed as
each person chose); the invited person gets the invitation letter through the outbox, since they
may have no account yet."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from veche.cabinet.invitation_tokens import make_token
from veche.core import outbox
from veche.notifications.services import notify_people
from veche.organizations.models import CabinetApplication, Invitation
from veche.organizations.rules import REVIEW_MODEL_PERMISSION

# A name read when the notice is written in each person's language, not in the caller's.
in_each_language = lazy(lambda model: model.title, str)

# The outbox kind of the letter that carries an invitation's link.
INVITATION_KIND = "cabinet.invitation"


def after_commit(function, *args) -> None:
    # robust: the change is committed; a failing notice must not turn it into an error page.
    transaction.on_commit(lambda: function(*args), robust=True)


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


def application_filed(application_id: int) -> None:
    application = CabinetApplication.objects.filter(pk=application_id).first()
    if application:
        notify_people(
            kind="cabinet_application_filed",
            user_ids=reviewers() - {application.applicant_id},
            title=_("New application for a cabinet: %(title)s"),
            title_params={"title": in_each_language(application)},
            template_name="cabinet/notices/application_filed.txt",
            context={"application": application},
            url=reverse("cabinet:application", args=[application.pk]),
            key=f"cabinet_application_filed:{application.pk}",
            subject=application,
        )


def application_decided(application_id: int) -> None:
    application = CabinetApplication.objects.filter(pk=application_id).first()
    if application is None:
        return
    approved = application.status == CabinetApplication.Status.APPROVED
    notify_people(
        kind="cabinet_application_decided",
        user_ids={application.applicant_id},
        title=(
            _("The cabinet of %(title)s is open")
            if approved
            else _("Your application for a cabinet of %(title)s is refused")
        ),
        title_params={"title": in_each_language(application)},
        template_name="cabinet/notices/application_decided.txt",
        context={"application": application, "approved": approved},
        url=reverse("cabinet:application", args=[application.pk]),
        key=f"cabinet_application_decided:{application.pk}",
        subject=application,
    )


def invitation_accepted(invitation_id: int) -> None:
    invitation = (
        Invitation.objects.select_related("organization", "accepted_by")
        .filter(pk=invitation_id)
        .first()
    )
    if invitation is None or invitation.invited_by_id is None or invitation.accepted_by is None:
        return
    notify_people(
        kind="cabinet_invitation_accepted",
        user_ids={invitation.invited_by_id},
        title=_("%(person)s has joined %(organization)s"),
        title_params={
            "person": invitation.accepted_by.private_name,
            "organization": lazy(lambda: invitation.organization.short_title, str)(),
        },
        template_name="cabinet/notices/invitation_accepted.txt",
        context={"invitation": invitation},
        url=f"{reverse('cabinet:staff')}?organization={invitation.organization.slug}",
        key=f"cabinet_invitation_accepted:{invitation.pk}",
        subject=invitation,
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
