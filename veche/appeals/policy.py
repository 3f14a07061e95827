"""Thresholds and deadlines of an organization: its own policy, else the site's defaults."""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from veche.appeals.models import Appeal, Problem


@dataclass(frozen=True)
class Policy:
    signature_threshold: int
    answer_days: int
    extension_days: int
    rating_days: int
    forwarding_days: int

    def due_date(self, registered: datetime.date) -> datetime.date:
        return registered + datetime.timedelta(days=self.answer_days)

    def forward_by(self, registered: datetime.date) -> datetime.date:
        return registered + datetime.timedelta(days=self.forwarding_days)


def policy_for(organization) -> Policy:
    own = getattr(organization, "appeal_policy", None) if organization is not None else None

    def pick(name: str, default: int) -> int:
        value = getattr(own, name, None) if own is not None else None
        return value if value else default

    return Policy(
        signature_threshold=pick("signature_threshold", settings.VECHE_SIGNATURE_THRESHOLD),
        answer_days=pick("answer_days", settings.VECHE_ANSWER_DAYS),
        extension_days=pick("extension_days", settings.VECHE_EXTENSION_DAYS),
        rating_days=pick("rating_days", settings.VECHE_RATING_DAYS),
        forwarding_days=pick("forwarding_days", settings.VECHE_FORWARDING_DAYS),
    )


def forwarding_due(appeal) -> datetime.date | None:
    """The last day on which the addressee may forward the appeal to the competent organization
    in time (docs/rules.md: 7 days from registration). An appeal not registered yet counts from the
    day it was received: the addressee should have registered it by then anyway."""
    if appeal.status not in (appeal.Status.SENT, appeal.Status.REGISTERED):
        return None
    start = appeal.registered_at or appeal.sent_at
    if start is None:
        return None
    return policy_for(appeal.organization).forward_by(timezone.localdate(start))


def registration_due(appeal) -> datetime.date | None:
    """The last day on which a received appeal should be registered (docs/rules.md: 3 days from
    receipt by default, `VECHE_REGISTRATION_DAYS`)."""
    if appeal.sent_at is None:
        return None
    received = timezone.localdate(appeal.sent_at)
    return received + datetime.timedelta(days=settings.VECHE_REGISTRATION_DAYS)


@dataclass(frozen=True)
class Overdue:
    """The deadline an addressee let pass on an appeal still awaiting it: `deadline` is an
    `Appeal.MissedDeadline`, `due` its last day."""

    deadline: str
    due: datetime.date
    today: datetime.date

    @property
    def days_late(self) -> int:
        return (self.today - self.due).days


def overdue(appeal, today: datetime.date | None = None) -> Overdue | None:
    """Whether the addressee is late with the appeal: it was not registered within the
    registration days of its receipt, or registered and not answered by its due date (which an
    extension moved on). Derived from dates when read; the author may then escalate it.
    `overdue_q` says the same in the database: the two are kept equal by a test."""
    today = today or timezone.localdate()
    if appeal.status == appeal.Status.SENT:
        due = registration_due(appeal)
        if due is not None and today > due:
            return Overdue(appeal.MissedDeadline.REGISTRATION, due, today)
    elif (
        appeal.status == appeal.Status.REGISTERED
        and appeal.due_date is not None
        and today > appeal.due_date
    ):
        return Overdue(appeal.MissedDeadline.ANSWER, appeal.due_date, today)
    return None


def start_of_day(day: datetime.date) -> datetime.datetime:
    """The first moment of a local day, aware (the current time zone's midnight)."""
    return datetime.datetime.combine(day, datetime.time(), timezone.get_current_timezone())


def overdue_q(today: datetime.date, prefix: str = "") -> Q:
    """`overdue` as a condition on appeals (`prefix` reaches them from another model, as
    "current_appeal__"), for lists, counts, the league and the daily reminders. An appeal sent on
    local day D is late for registration from D + registration days + 1: sent before the first
    moment of (today − registration days)."""
    registration_late = start_of_day(
        today - datetime.timedelta(days=settings.VECHE_REGISTRATION_DAYS)
    )
    return Q(
        **{f"{prefix}status": Appeal.Status.SENT, f"{prefix}sent_at__lt": registration_late}
    ) | Q(**{f"{prefix}status": Appeal.Status.REGISTERED, f"{prefix}due_date__lt": today})


def check_registration_day(appeal, registered_on: datetime.date, today=None) -> None:
    """The day an official registers the appeal on moves its due date, so it must be a real one:
    not before the appeal arrived, not after today."""
    today = today or timezone.localdate()
    arrived = timezone.localdate(appeal.sent_at) if appeal.sent_at else today
    if not arrived <= registered_on <= today:
        raise ValidationError(
            _(
                "The day of registration must be between the day the appeal arrived "
                "(%(arrived)s) and today (%(today)s)."
            )
            % {
                "arrived": formats.date_format(arrived, "DATE_FORMAT"),
                "today": formats.date_format(today, "DATE_FORMAT"),
            },
            code="registration_day",
        )


def extension_refused(appeal, extended_before: bool, today=None) -> str | None:
    """Why the addressee may not extend the answer's deadline now, or None when it may: once
    only (`extended_before`: an extension already given by this addressee), and only before
    the due date has passed, so an organization already late cannot extend itself out of it."""
    today = today or timezone.localdate()
    if appeal.status != appeal.Status.REGISTERED:
        return _("Only a registered appeal awaiting its answer can be extended.")
    if appeal.extended or extended_before:
        return _("The deadline can be extended only once.")
    if appeal.due_date is None or today > appeal.due_date:
        return _("The due date has passed: the deadline can no longer be extended.")
    return None


def check_forwarding_target(organization) -> None:
    """An appeal goes on only to a body that must answer it by law: by default a public
    authority or a municipal company (`VECHE_FORWARDING_KINDS`), never a party or a business."""
    if organization.kind not in settings.VECHE_FORWARDING_KINDS:
        kinds = dict(type(organization).Kind.choices)
        raise ValidationError(
            _("An appeal can be forwarded only to an organization of these kinds: %(kinds)s.")
            % {"kinds": ", ".join(str(kinds[kind]) for kind in settings.VECHE_FORWARDING_KINDS)},
            code="forwarding_kind",
        )


def forwarding_late(appeal, today: datetime.date | None = None) -> bool:
    """A forwarding after the forwarding days, or once the addressee is late with the appeal
    (`overdue`), is late: it counts against the organization that forwarded it."""
    today = today or timezone.localdate()
    due = forwarding_due(appeal)
    return (due is not None and today > due) or overdue(appeal, today) is not None


def unsolved_after_answer(appeal) -> bool:
    """The author closed the appeal after its final answer as not, or only partly, solved."""
    return appeal.status == appeal.Status.CLOSED and appeal.outcome in (
        Problem.Status.PARTLY_SOLVED,
        Problem.Status.UNSOLVED,
    )


def may_escalate(appeal, today: datetime.date | None = None) -> bool:
    """The author may take the problem further: after an answer that did not solve it, or when
    the addressee is late (`overdue`)."""
    return unsolved_after_answer(appeal) or overdue(appeal, today) is not None
