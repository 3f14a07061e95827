"""What every use case of discussions shares: announcing an event, the permission and stage checks,
the lock, the schedule check."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from veche.discussions.models import (
    Application,
    Discussion,
    Stage,
    Submission,
)
from veche.discussions.schedule import (
    schedule_errors,
    schedule_warnings,
)
from veche.identity.models import Level
from veche.notifications.services import announce

LEVELS = {
    "email": Level.EMAIL,
    "phone": Level.PHONE,
    "census": Level.CENSUS,
    "provider": Level.PROVIDER,
}
Kind = Submission.Kind


class ScheduleWarnings(ValidationError):
    """The schedule breaks a period of docs/rules.md; the organizer goes on only knowingly."""

    def __init__(self, warnings: list[str]):
        super().__init__(warnings)
        self.warnings = warnings


def _notify(event: str, subject: Discussion | Application, **context) -> None:
    """Announce an event of the discussion (or application), in the caller's transaction; its
    notices are made once it commits, in the background (see `notices`)."""
    announce(subject=subject, event=event, context=context)


def _actor(user) -> dict:
    # Who acted is not told of their own act.
    return {"actor": user.pk}


def _require(allowed: bool, message: str | None = None) -> None:
    if not allowed:
        raise PermissionDenied(message or _("You may not do this."))


def _lock(discussion: Discussion) -> Discussion:
    return Discussion.objects.select_for_update().get(pk=discussion.pk)


def _require_stage(discussion: Discussion, *stages: str, moment=None) -> str:
    stage = discussion.stage_at(moment)
    if stage not in stages:
        raise ValidationError(
            _("This cannot be done now: the discussion is at the stage “%(stage)s”.")
            % {"stage": Stage(stage).label}
        )
    return stage


def _check_schedule(values: dict, *, accept_warnings: bool) -> list[str]:
    errors = schedule_errors(values)
    if errors:
        raise ValidationError(errors)
    warnings = schedule_warnings(values)
    if warnings and not accept_warnings:
        raise ScheduleWarnings(warnings)
    return warnings
