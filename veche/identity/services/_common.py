"""Recording a verification, which every way of verifying ends in."""

import datetime
import logging

from django.db import transaction
from django.utils import timezone

from veche.core.audit import record_event
from veche.identity.eligibility import person_changed
from veche.identity.models import (
    Verification,
)
from veche.territories.models import Territory

logger = logging.getLogger(__package__)  # "veche.identity.services", as before the split


@transaction.atomic
def record_verification(
    *,
    user,
    level: int,
    source: str,
    source_reference: str,
    claims: dict,
    birthdate: datetime.date | None = None,
    territory: Territory | None = None,
    trust_framework: str = "",
    evidence: list | None = None,
    verified_at: datetime.datetime | None = None,
    valid_for: datetime.timedelta | None = None,
    subject: str = "",
) -> Verification:
    """Keep a new verification; the previous one from the same source is superseded.

    A `subject` (census entry, provider account) verifies one account at most: the database
    refuses a second one with IntegrityError."""
    now = timezone.now()
    verified_at = verified_at or now
    Verification.objects.filter(
        user=user, source=source, source_reference=source_reference, revoked_at__isnull=True
    ).update(revoked_at=now)
    person_changed(user.pk)
    verification = Verification.objects.create(
        user=user,
        level=level,
        source=source,
        source_reference=source_reference,
        verified_claims={
            "verification": {
                "trust_framework": trust_framework or source_reference,
                "time": verified_at.isoformat(),
                **({"evidence": evidence} if evidence else {}),
            },
            "claims": claims,
        },
        birthdate=birthdate,
        territory=territory,
        verified_at=verified_at,
        expires_at=verified_at + valid_for if valid_for else None,
        subject=subject,
    )
    record_event(
        actor=user,
        action="identity.verified",
        target=verification,
        data={
            "level": level,
            "source": source_reference,
            "territory": territory.code if territory else None,
        },
    )
    return verification
