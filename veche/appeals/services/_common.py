"""What every use case of appeals shares: the statuses an appeal passes, the screening refusal, the
permission, lock and status checks, and announcing an event."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from veche.appeals.models import (
    Appeal,
)
from veche.identity.models import EligibilityRule, Level
from veche.notifications.services import announce

Status = Appeal.Status
# Until it is sent, an appeal goes nowhere: a signature on it may still be counted out.
NOT_SENT = (Status.DRAFT, Status.COLLECTING)
# The addressee has received it, whatever became of it since.
RECEIVED = (Status.SENT, Status.REGISTERED, Status.ANSWERED, Status.CLOSED, Status.ESCALATED)


class ScreeningFailed(ValidationError):
    """The appeal has something that would let the addressee leave it unanswered."""

    def __init__(self, findings):
        super().__init__([finding.message for finding in findings])
        self.findings = findings


def _refuse_unless(decision) -> None:
    if not decision.allowed:
        raise PermissionDenied(" ".join(decision.reasons))


def _default_rules(appeal: Appeal) -> None:
    """Signing and rating an appeal: verified residents of the problem's territory, by default
    (settings.VECHE_SIGN_MIN_LEVEL); an administrator may change the rule of any appeal."""
    from django.conf import settings
    from django.contrib.contenttypes.models import ContentType

    level = {
        "email": Level.EMAIL,
        "phone": Level.PHONE,
        "census": Level.CENSUS,
        "provider": Level.PROVIDER,
    }[settings.VECHE_SIGN_MIN_LEVEL]
    for action in (EligibilityRule.Action.SIGN, EligibilityRule.Action.RATE):
        rule = EligibilityRule.objects.create(
            action=action,
            content_type=ContentType.objects.get_for_model(Appeal),
            object_id=appeal.pk,
            min_level=level,
        )
        rule.territories.set([appeal.problem.territory])


def _lock(appeal: Appeal) -> Appeal:
    return (
        Appeal.objects.select_for_update()
        .select_related("problem", "organization")
        .get(pk=appeal.pk)
    )


def _require_status(appeal: Appeal, *allowed: str) -> None:
    if appeal.status not in allowed:
        raise ValidationError(
            _("This cannot be done now: the appeal is “%(status)s”.")
            % {"status": appeal.get_status_display()}
        )


def _on_commit(callback, *args, **kwargs) -> None:
    transaction.on_commit(lambda: callback(*args, **kwargs))


def _notify(event: str, appeal: Appeal, **context) -> None:
    """Tell the people concerned (veche.appeals.notices): the event is stored with the change,
    and its notices are made in the background, through the outbox, once it commits. The event
    keeps the addressee of the moment: the notices are written later, perhaps after a
    forwarding, and must name the organization it happened at."""
    announce(
        subject=appeal, event=event, context={"organization": appeal.organization_id, **context}
    )
