"""Thresholds and deadlines of an organization: its own policy, else the site's defaults."""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone


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
