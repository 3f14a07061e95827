"""Thresholds and deadlines of an organization: its own policy, else the site's defaults."""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

from veche.appeals.models import Problem


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
    registration days of its receipt, or registered and not answered by its due date. Derived
    from dates when read; the author may then escalate it."""
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
