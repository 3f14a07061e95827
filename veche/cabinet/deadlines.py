"""Deadline states of appeals, derived from dates when read: in the database (for the inbox
sections) and in Python (for the badge of one appeal) by the same definitions."""

import datetime
import enum

from django.conf import settings
from django.db.models import Q

from veche.appeals.models import Appeal
from veche.appeals.policy import forwarding_due, overdue
from veche.appeals.policy import overdue_q as overdue_q  # the one definition, for the inbox
from veche.appeals.policy import registration_due as registration_due  # the cabinet's too
from veche.cabinet.rules import AWAITING_ANSWER_STATUSES

Status = Appeal.Status


class DeadlineState(enum.StrEnum):
    NONE = ""
    OVERDUE = "overdue"
    DUE_SOON = "due_soon"
    ON_TIME = "on_time"  # answered by the due date
    LATE = "late"  # answered after it


def due_soon_until(today: datetime.date) -> datetime.date:
    return today + datetime.timedelta(days=settings.VECHE_DUE_SOON_DAYS)


def due_soon_q(today: datetime.date) -> Q:
    return Q(status=Status.REGISTERED, due_date__gte=today, due_date__lte=due_soon_until(today))


def deadline_state(appeal: Appeal, today: datetime.date) -> DeadlineState:
    if appeal.answered_on_time is not None:
        return DeadlineState.ON_TIME if appeal.answered_on_time else DeadlineState.LATE
    if overdue(appeal, today) is not None:
        return DeadlineState.OVERDUE
    if appeal.due_date is None or appeal.status not in AWAITING_ANSWER_STATUSES:
        return DeadlineState.NONE
    if appeal.status == Status.REGISTERED and appeal.due_date <= due_soon_until(today):
        return DeadlineState.DUE_SOON
    return DeadlineState.NONE


def forward_by(appeal: Appeal, today: datetime.date) -> datetime.date | None:
    """The day by which the appeal should be forwarded, if it is not for this addressee, while
    that is still timely; None once the day has passed (forwarding is then recorded as late)."""
    due = forwarding_due(appeal)
    return due if due is not None and today <= due else None


def forwarding_late_since(appeal: Appeal, today: datetime.date) -> datetime.date | None:
    """The last timely day of forwarding, once it has passed and the appeal awaits an answer."""
    due = forwarding_due(appeal)
    return due if due is not None and today > due else None


def days_left(due: datetime.date | None, today: datetime.date) -> int | None:
    return None if due is None else (due - today).days
