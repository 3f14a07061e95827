"""A hearing's meeting online: the organizer sets its place, length and broadcast link and
publishes its record; a participant sends a remark while it lasts; an operator lists the sites
whose broadcasts the hearing's page may embed."""

import datetime

import rules
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from veche.core import origins, ratelimits
from veche.core.audit import record_event
from veche.core.forms import normalize_line
from veche.discussions.meeting import parse_link
from veche.discussions.models import BroadcastOrigin, Discussion, ScheduleChange, Submission
from veche.identity.models import EligibilityRule

from ._common import Kind, _actor, _lock, _notify, _require
from .taking_part import register_online


def _hearing_with_meeting(discussion: Discussion) -> None:
    if discussion.kind != Discussion.Kind.HEARING or discussion.meeting_at is None:
        raise ValidationError(_("Only a public hearing with a meeting of participants has this."))


@transaction.atomic
def send_meeting_remark(
    *,
    user,
    discussion: Discussion,
    text: str,
    as_legal_entity: bool = False,
    moment: datetime.datetime | None = None,
) -> Submission:
    """A remark sent online while the hearing's meeting lasts: numbered with the submissions of
    the intake, with the same receipt; the eligibility is the intake's."""
    ratelimits.spend("submit", user)
    moment = moment or timezone.now()
    discussion = _lock(discussion)
    _hearing_with_meeting(discussion)
    if not discussion.meeting_open_at(moment):
        raise ValidationError(
            _("Remarks are taken online only while the meeting lasts: from %(start)s to %(end)s.")
            % {
                "start": timezone.localtime(discussion.meeting_at, discussion.zone).strftime(
                    "%Y-%m-%d %H:%M"
                ),
                "end": timezone.localtime(discussion.meeting_end, discussion.zone).strftime(
                    "%H:%M"
                ),
            }
        )
    return register_online(
        user=user,
        discussion=discussion,
        kind=Kind.REMARK,
        text=text,
        material=None,
        page=None,
        as_legal_entity=as_legal_entity,
        moment=moment,
        action=EligibilityRule.Action.SUBMIT,
        channel=Submission.Channel.MEETING_ONLINE,
    )


def _link(value: str, field: str) -> str:
    try:
        return parse_link(value)
    except ValidationError as error:
        raise ValidationError({field: error.messages}) from error


@transaction.atomic
def _check_new_length(discussion: Discussion, length: int) -> None:
    """Remarks at the meeting are taken online while it lasts: a meeting that ended keeps its
    length (a longer one would reopen the remarks, with nobody told), and a running one may run
    longer, never shorter (which would close them early)."""
    began = discussion.meeting_at
    if length == discussion.meeting_length or began is None or timezone.now() < began:
        return
    ended = began + datetime.timedelta(minutes=discussion.meeting_length)
    if timezone.now() >= ended:
        raise ValidationError(
            {"length": _("The meeting has ended: its length can no longer be changed.")}
        )
    if length < discussion.meeting_length:
        raise ValidationError(
            {"length": _("The meeting is under way: it may run longer, not shorter.")}
        )


def update_meeting(
    *, user, discussion: Discussion, place: str, length: int, broadcast_url: str, reason: str = ""
) -> Discussion:
    """The meeting's place, length and broadcast link. A place moved once the hearing is
    announced is a change of its schedule: published with the reason, its followers told."""
    discussion = _lock(discussion)
    _require(rules.has_perm("discussions.manage_discussion", user, discussion))
    _hearing_with_meeting(discussion)
    if discussion.protocol_signed_at or discussion.status == Discussion.Status.CANCELLED:
        raise ValidationError(_("The protocol is signed: the meeting cannot be changed."))
    place = normalize_line(place)
    if not 15 <= length <= 24 * 60:
        raise ValidationError({"length": _("A meeting lasts from 15 minutes to 24 hours.")})
    broadcast_url = _link(broadcast_url, "broadcast_url")
    _check_new_length(discussion, length)
    moved = discussion.published_at is not None and place != discussion.meeting_place
    if moved and not reason.strip():
        raise ValidationError(
            {"reason": _("Give the reason for the new place: it is published with the change.")}
        )
    before = {
        "place": discussion.meeting_place,
        "length": discussion.meeting_length,
        "broadcast_url": discussion.broadcast_url,
    }
    discussion.meeting_place = place
    discussion.meeting_length = length
    discussion.broadcast_url = broadcast_url
    discussion.save(update_fields=["meeting_place", "meeting_length", "broadcast_url"])
    after = {"place": place, "length": length, "broadcast_url": broadcast_url}
    if before == after:
        return discussion
    record_event(
        actor=user,
        action="discussion.meeting_updated",
        target=discussion,
        data={key: [before[key], after[key]] for key in after if before[key] != after[key]},
    )
    if moved:
        change = ScheduleChange.objects.create(
            discussion=discussion,
            field="meeting_place",
            old_value=before["place"],
            new_value=place,
            reason=reason.strip(),
            changed_by=user,
        )
        _notify("schedule_changed", discussion, changes=[change.pk], **_actor(user))
    return discussion


@transaction.atomic
def publish_meeting_record(
    *, user, discussion: Discussion, minutes: str, recording_url: str
) -> Discussion:
    """The meeting's minutes and recording, published on the hearing's page once it is over;
    the protocol, signed later, carries them."""
    discussion = _lock(discussion)
    _require(rules.has_perm("discussions.manage_discussion", user, discussion))
    _hearing_with_meeting(discussion)
    if not discussion.meeting_over_at():
        raise ValidationError(_("The record is published once the meeting is over."))
    if discussion.protocol_signed_at:
        raise ValidationError(_("The protocol is signed: its record of the meeting stays."))
    minutes = minutes.strip()
    recording_url = _link(recording_url, "recording_url")
    if not minutes and not recording_url:
        raise ValidationError(_("Give the minutes of the meeting or a link to its recording."))
    first = discussion.meeting_record_published_at is None
    discussion.meeting_minutes = minutes
    discussion.recording_url = recording_url
    discussion.meeting_record_published_at = discussion.meeting_record_published_at or (
        timezone.now()
    )
    discussion.save(
        update_fields=["meeting_minutes", "recording_url", "meeting_record_published_at"]
    )
    record_event(
        actor=user,
        action="discussion.meeting_record_published"
        if first
        else "discussion.meeting_record_corrected",
        target=discussion,
        data={"recording_url": recording_url, "minutes_length": len(minutes)},
    )
    if first:  # a correction is not news to those who read the record
        _notify("meeting_record", discussion, **_actor(user))
    return discussion


# --- The operator's list of broadcast sites -----------------------------------------------------


BROADCAST_SITES = origins.OriginList(
    model=BroadcastOrigin,
    permission="discussions.manage_broadcast_origins",
    refusal=gettext_lazy("Only an operator with this permission manages broadcast sites."),
    reason_needed=gettext_lazy("Say why hearings may show this site's broadcasts."),
    allowed_action="discussions.broadcast_origin_allowed",
    disallowed_action="discussions.broadcast_origin_disallowed",
)


def allow_broadcast_origin(*, user, origin: str, reason: str) -> BroadcastOrigin:
    return origins.allow(BROADCAST_SITES, user=user, origin=origin, reason=reason)


def disallow_broadcast_origin(*, user, allowed: BroadcastOrigin) -> None:
    origins.disallow(BROADCAST_SITES, user=user, allowed=allowed)
