"""A discussion's schedule: the order its dates must follow, the periods the law sets, and the
timeline a page shows."""

import calendar
import datetime
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from veche.discussions.models import Discussion, Stage

# The dates of a schedule, in the order they must come.
DATE_FIELDS = (
    "notice_date",
    "exposition_start",
    "intake_start",
    "intake_end",
    "exposition_end",
    "protocol_due",
    "conclusion_due",
)
MOVABLE_FIELDS = (*DATE_FIELDS, "meeting_at")


def add_months(day: datetime.date, months: int) -> datetime.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def schedule_errors(dates: dict) -> dict[str, str]:
    """Dates that cannot be: a stage ending before it begins. Keyed by field."""
    errors: dict[str, str] = {}

    def before(earlier: str, later: str, message: str, *, strictly: bool = False) -> None:
        a, b = dates.get(earlier), dates.get(later)
        if a and b and (a >= b if strictly else a > b) and later not in errors:
            errors[later] = message

    before(
        "notice_date",
        "exposition_start",
        _("The exposition cannot open before the notice is published."),
    )
    before(
        "exposition_start",
        "exposition_end",
        _("The exposition cannot close before it opens."),
    )
    before(
        "exposition_start",
        "intake_start",
        _("Submissions are taken during the exposition: the intake cannot open before it."),
    )
    before("intake_start", "intake_end", _("The intake cannot close before it opens."))
    before(
        "intake_end",
        "exposition_end",
        _("The exposition must last until the intake of submissions closes."),
    )
    before(
        "intake_end",
        "protocol_due",
        _("The protocol can only be drawn up after the intake closes."),
        strictly=True,
    )
    before(
        "protocol_due",
        "conclusion_due",
        _("The conclusion cannot come before the protocol."),
    )
    meeting = dates.get("meeting_at")
    if dates.get("kind") == Discussion.Kind.HEARING and not meeting:
        errors["meeting_at"] = _("A public hearing needs the date and time of its meeting.")
    if meeting and dates.get("exposition_start") and dates.get("protocol_due"):
        zone = dates.get("zone") or timezone.get_current_timezone()
        day = meeting.astimezone(zone).date()
        if not dates["exposition_start"] <= day <= dates["protocol_due"]:
            errors["meeting_at"] = _(
                "The meeting of participants takes place between the opening of the exposition "
                "and the protocol."
            )
    return errors


def schedule_warnings(dates: dict) -> list[str]:
    """Periods of docs/rules.md this schedule breaks. The organizer may go on, knowingly."""
    warnings: list[str] = []
    notice, exposition = dates.get("notice_date"), dates.get("exposition_start")
    lead = settings.VECHE_DISCUSSION_NOTICE_DAYS
    if notice and exposition and (exposition - notice).days < lead:
        warnings.append(
            _(
                "The notice must be published at least %(days)s days before the exposition "
                "opens; this schedule gives %(given)s."
            )
            % {"days": lead, "given": (exposition - notice).days}
        )
    conclusion = dates.get("conclusion_due")
    months = settings.VECHE_DISCUSSION_MAX_MONTHS
    if (
        notice
        and conclusion
        and dates.get("subject") in settings.VECHE_DISCUSSION_LIMITED_SUBJECTS
        and conclusion > add_months(notice, months)
    ):
        warnings.append(
            _(
                "For this subject the law allows at most %(months)s month(s) from the notice to "
                "the published conclusion; this schedule ends on %(end)s, after %(limit)s."
            )
            % {
                "months": months,
                "end": conclusion.isoformat(),
                "limit": add_months(notice, months).isoformat(),
            }
        )
    return warnings


def dates_of(discussion: Discussion) -> dict:
    values = {name: getattr(discussion, name) for name in MOVABLE_FIELDS}
    return values | {
        "kind": discussion.kind,
        "subject": discussion.subject,
        "zone": discussion.zone,
    }


# --- The timeline a page shows --------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    stage: str
    label: str
    start: datetime.date | None
    end: datetime.date | None
    state: str  # "done", "current" or "future"
    note: str = ""


STEP_ORDER = (
    Stage.ANNOUNCED,
    Stage.EXPOSITION,
    Stage.INTAKE,
    Stage.REVIEW,
    Stage.PROTOCOL,
    Stage.CONCLUSION,
    Stage.ARCHIVE,
)
STEP_LABELS = {
    Stage.ANNOUNCED: gettext_lazy("Notice"),
    Stage.EXPOSITION: gettext_lazy("Exposition"),
    Stage.INTAKE: gettext_lazy("Proposals and remarks"),
    Stage.REVIEW: gettext_lazy("Review"),
    Stage.PROTOCOL: gettext_lazy("Protocol"),
    Stage.CONCLUSION: gettext_lazy("Conclusion"),
    Stage.ARCHIVE: gettext_lazy("Archive"),
}


def timeline(discussion: Discussion, moment: datetime.datetime | None = None) -> list[Step]:
    """The stages with their dates, and which is done, current and to come."""
    current = discussion.stage_at(moment)
    index = STEP_ORDER.index(current) if current in STEP_ORDER else -1
    local = discussion.local_date
    protocol_day = (
        local(discussion.protocol_signed_at)
        if discussion.protocol_signed_at
        else discussion.protocol_due
    )
    conclusion_day = (
        local(discussion.conclusion_published_at)
        if discussion.conclusion_published_at
        else discussion.conclusion_due
    )
    spans = {
        Stage.ANNOUNCED: (discussion.notice_date, None),
        Stage.EXPOSITION: (discussion.exposition_start, discussion.exposition_end),
        Stage.INTAKE: (discussion.intake_start, discussion.intake_end),
        Stage.REVIEW: (discussion.intake_end + datetime.timedelta(days=1), None),
        Stage.PROTOCOL: (protocol_day, None),
        Stage.CONCLUSION: (conclusion_day, None),
        Stage.ARCHIVE: (None, None),
    }
    steps = []
    for position, stage in enumerate(STEP_ORDER):
        if index < 0:
            state = "future"
        else:
            state = "done" if position < index else "current" if position == index else "future"
        start, end = spans[stage]
        steps.append(Step(stage, str(STEP_LABELS[stage]), start, end, state))
    return steps
