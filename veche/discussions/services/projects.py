"""Putting a project forward: creating, editing and publishing a discussion, moving its dates,
calling it off."""

import datetime

import rules
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from veche.core.audit import record_event
from veche.discussions.models import (
    Application,
    Discussion,
    ScheduleChange,
    Stage,
)
from veche.discussions.schedule import (
    MOVABLE_FIELDS,
    dates_of,
)
from veche.identity.models import EligibilityRule

from ._common import LEVELS, _actor, _check_schedule, _lock, _notify, _require
from .due_notices import _announce


def _set_eligibility(discussion: Discussion, eligibility: dict) -> None:
    """The same rule for proposals/remarks (submit) and for questions (ask)."""
    content_type = ContentType.objects.get_for_model(Discussion)
    territories = eligibility.get("territories") or [discussion.territory]
    for action in (EligibilityRule.Action.SUBMIT, EligibilityRule.Action.ASK):
        rule, _created = EligibilityRule.objects.update_or_create(
            action=action,
            content_type=content_type,
            object_id=discussion.pk,
            defaults={
                "min_level": eligibility.get("min_level")
                or LEVELS[settings.VECHE_DISCUSSION_MIN_LEVEL],
                "min_age": eligibility.get("min_age", settings.VECHE_DISCUSSION_MIN_AGE) or None,
                "owners_qualify": eligibility.get("owners_qualify", True),
            },
        )
        rule.territories.set(territories)


@transaction.atomic
def create_discussion(
    *,
    user,
    organizer,
    fields: dict,
    eligibility: dict | None = None,
    experts=(),
    application: Application | None = None,
    accept_warnings: bool = False,
) -> Discussion:
    """A draft discussion of the organizer; nothing is public until it is published."""
    _require(
        rules.has_perm("discussions.organize_for", user, organizer),
        _("Only organizers of %(organization)s may put a project forward on its behalf.")
        % {"organization": organizer.title},
    )
    discussion = Discussion(organizer=organizer, created_by=user, **fields)
    discussion.full_clean(exclude=["created_by", "organizer"])
    warnings = _check_schedule(dates_of(discussion), accept_warnings=accept_warnings)
    discussion.save()
    discussion.experts.set(experts)
    _set_eligibility(discussion, eligibility or {})
    if application is not None:
        application = Application.objects.select_for_update().get(pk=application.pk)
        if application.status != Application.Status.ACCEPTED or application.discussion_id:
            raise ValidationError(
                _("Only an accepted application without a discussion may be used.")
            )
        application.discussion = discussion
        application.save(update_fields=["discussion"])
    record_event(
        actor=user,
        action="discussion.created",
        target=discussion,
        data={"warnings": warnings},
    )
    return discussion


@transaction.atomic
def update_draft(
    *,
    user,
    discussion: Discussion,
    fields: dict,
    eligibility: dict | None = None,
    experts=None,
    accept_warnings: bool = False,
) -> Discussion:
    """Everything of a draft may change; once published, dates move only with a reason."""
    discussion = _lock(discussion)
    _require(rules.has_perm("discussions.manage_discussion", user, discussion))
    if discussion.status != Discussion.Status.DRAFT:
        raise ValidationError(
            _("A published discussion keeps its terms; move a date with a public reason instead.")
        )
    for name, value in fields.items():
        setattr(discussion, name, value)
    discussion.full_clean()
    _check_schedule(dates_of(discussion), accept_warnings=accept_warnings)
    discussion.save()
    if experts is not None:
        discussion.experts.set(experts)
    if eligibility is not None:
        _set_eligibility(discussion, eligibility)
    record_event(actor=user, action="discussion.updated", target=discussion)
    return discussion


@transaction.atomic
def publish_discussion(*, user, discussion: Discussion, accept_warnings: bool = False):
    """The organizer commits to the schedule; from now on the stages follow the dates."""
    discussion = _lock(discussion)
    _require(rules.has_perm("discussions.manage_discussion", user, discussion))
    if discussion.status != Discussion.Status.DRAFT:
        raise ValidationError(_("The discussion is already published."))
    if not discussion.materials.filter(versions__isnull=False).exists():
        raise ValidationError(
            _("Add at least one document of the project: the notice lists its materials.")
        )
    if discussion.local_date() > discussion.notice_date:
        raise ValidationError(
            _("The notice date has passed; set the schedule anew before publishing.")
        )
    warnings = _check_schedule(dates_of(discussion), accept_warnings=accept_warnings)
    discussion.status = Discussion.Status.PUBLISHED
    discussion.published_at = timezone.now()
    discussion.save(update_fields=["status", "published_at"])
    record_event(
        actor=user, action="discussion.published", target=discussion, data={"warnings": warnings}
    )
    if discussion.stage == Stage.ANNOUNCED:
        _announce(discussion, discussion.published_at)
    return discussion


def move_date(
    *, user, discussion: Discussion, field: str, value, reason: str, accept_warnings=False
) -> ScheduleChange:
    """Move one date of a published schedule, with a public reason that is kept."""
    return move_dates(
        user=user,
        discussion=discussion,
        values={field: value},
        reason=reason,
        accept_warnings=accept_warnings,
    )[0]


def _day(value, zone) -> datetime.date | None:
    return value.astimezone(zone).date() if isinstance(value, datetime.datetime) else value


@transaction.atomic
def move_dates(
    *, user, discussion: Discussion, values: dict, reason: str, accept_warnings=False
) -> list[ScheduleChange]:
    """Move dates of a published schedule together (extending the intake moves the exposition's
    end and the protocol with it), with one public reason that is kept with each change."""
    discussion = _lock(discussion)
    _require(rules.has_perm("discussions.manage_discussion", user, discussion))
    if not values or any(field not in MOVABLE_FIELDS for field in values):
        raise ValidationError(_("This date cannot be moved."))
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason: it is published with the change.")})
    if discussion.status != Discussion.Status.PUBLISHED or discussion.protocol_signed_at:
        raise ValidationError(_("Dates can be moved only while the discussion runs."))
    today = discussion.local_date()
    old_values = {field: getattr(discussion, field) for field in values}
    changed = {field: value for field, value in values.items() if old_values[field] != value}
    if not changed:
        raise ValidationError(_("The new date is the same as the old one."))
    for field, value in changed.items():
        old_day = _day(old_values[field], discussion.zone)
        # A date already reached is history; only a period running today may be extended. A
        # period that ended before today is closed: reopening it would let submissions be dated
        # into days when none could be sent.
        still_running = field in RUNNING_ENDS and old_day == today
        if old_day is not None and old_day <= today and not still_running:
            raise ValidationError({field: _("This date has already come; it cannot be moved.")})
        new_day = _day(value, discussion.zone)
        if new_day is not None and new_day < today:
            raise ValidationError({field: _("A date cannot be moved into the past.")})
        setattr(discussion, field, value)
    _check_schedule(dates_of(discussion), accept_warnings=accept_warnings)
    discussion.save(update_fields=list(changed))
    changes = [
        ScheduleChange.objects.create(
            discussion=discussion,
            field=field,
            old_value=_date_text(old_values[field]),
            new_value=_date_text(value),
            reason=reason.strip(),
            changed_by=user,
        )
        for field, value in changed.items()
    ]
    record_event(
        actor=user,
        action="discussion.dates_moved",
        target=discussion,
        data={c.field: [c.old_value, c.new_value] for c in changes},
    )
    _notify("schedule_changed", discussion, changes=[c.pk for c in changes], **_actor(user))
    return changes


# The ends of periods that may still run today: the organizer may extend them.
RUNNING_ENDS = ("intake_end", "exposition_end")


def _date_text(value) -> str:
    return (
        value.isoformat(timespec="minutes")
        if isinstance(value, datetime.datetime)
        else (value.isoformat() if value else "")
    )


@transaction.atomic
def cancel_discussion(*, user, discussion: Discussion, reason: str) -> Discussion:
    discussion = _lock(discussion)
    _require(rules.has_perm("discussions.manage_discussion", user, discussion))
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason: it is published.")})
    if discussion.conclusion_published_at or discussion.status == Discussion.Status.CANCELLED:
        raise ValidationError(_("A concluded or cancelled discussion cannot be cancelled."))
    discussion.status = Discussion.Status.CANCELLED
    discussion.cancel_reason = reason.strip()
    discussion.cancelled_at = timezone.now()
    discussion.save(update_fields=["status", "cancel_reason", "cancelled_at"])
    record_event(actor=user, action="discussion.cancelled", target=discussion)
    if discussion.published_at:
        # A draft was never public: nobody is told of it, not even that it is called off.
        _notify("cancelled", discussion, **_actor(user))
    return discussion
