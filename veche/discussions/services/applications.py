"""Applications of landowners and developers for a discussion."""

import rules
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from veche.core.audit import record_event
from veche.core.forms import normalize_line
from veche.discussions.materials import check_upload
from veche.discussions.models import (
    Application,
    Discussion,
)
from veche.discussions.queries import identification_of

from ._common import _actor, _notify, _require


@transaction.atomic
def apply_for_discussion(
    *, user, organization, subject: str, title: str, description: str, territory, document
) -> Application:
    entity = identification_of(user, as_legal_entity=True)
    if subject not in Discussion.Subject.values:
        raise ValidationError({"subject": _("Choose the subject.")})
    # A double click or a resend must not file the same application twice: the applicant's
    # row is locked, so two requests at once are checked one after the other.
    get_user_model().objects.select_for_update().filter(pk=user.pk).first()
    title = normalize_line(title)
    if Application.objects.filter(
        applicant=user,
        organization=organization,
        title=title,
        status=Application.Status.PENDING,
    ).exists():
        raise ValidationError(
            _("You have already filed this application; it is under consideration.")
        )
    checked = check_upload(document)
    application = Application(
        applicant=user,
        legal_entity={key: entity[key] for key in ("legal_name", "ogrn", "legal_address")},
        organization=organization,
        subject=subject,
        title=title,
        description=description.strip(),
        territory=territory,
    )
    application.document.save(
        f"application.{checked.content_type.split('/')[-1]}",
        ContentFile(checked.content),
        save=False,
    )
    application.full_clean()
    application.save()
    record_event(actor=user, action="discussion.application_filed", target=application)
    _notify("filed", application, **_actor(user))
    return application


@transaction.atomic
def decide_application(*, user, application: Application, accept: bool, reason: str):
    application = Application.objects.select_for_update().get(pk=application.pk)
    _require(rules.has_perm("discussions.decide_application", user, application))
    if application.status != Application.Status.PENDING:
        raise ValidationError(_("This application has already been decided."))
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason: the applicant sees it.")})
    application.status = Application.Status.ACCEPTED if accept else Application.Status.REFUSED
    application.reason = reason.strip()
    application.decided_by = user
    application.decided_at = timezone.now()
    application.save(update_fields=["status", "reason", "decided_by", "decided_at"])
    record_event(
        actor=user,
        action="discussion.application_decided",
        target=application,
        data={"status": application.status},
    )
    _notify("decided", application, **_actor(user))
    return application
