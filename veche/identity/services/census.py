"""Census lists: importing them and verifying a resident against them; moving a verification to
another account."""

import copy
import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from veche.core import ratelimits
from veche.core.audit import record_event
from veche.core.models import RateLimit
from veche.identity.census import hash_identifier, parse_birthdate, parse_census
from veche.identity.eligibility import people_changed, person_changed
from veche.identity.models import (
    CensusEntry,
    CensusImport,
    Level,
    Verification,
)
from veche.territories.models import Territory

from ._common import record_verification


@transaction.atomic
def import_census(
    *,
    territory: Territory,
    file_name: str,
    content: bytes,
    uploaded_by,
    valid_until: datetime.date | None = None,
) -> CensusImport:
    """Import a census file whole, or raise CensusFileError and write nothing."""
    if uploaded_by is None or not uploaded_by.has_perm("identity.upload_census"):
        raise PermissionDenied(_("Only operators allowed to import census lists upload them."))
    rows = parse_census(content, territory)
    census = CensusImport.objects.create(
        territory=territory,
        uploaded_by=uploaded_by,
        file_name=file_name[:255],
        row_count=len(rows),
        valid_until=valid_until,
    )
    CensusEntry.objects.bulk_create(
        [
            CensusEntry(
                census=census,
                identifier_hash=row.identifier_hash,
                birthdate=row.birthdate,
                territory=row.territory,
                address=row.address,
            )
            for row in rows
        ],
        batch_size=2000,
    )
    record_event(
        actor=uploaded_by,
        action="identity.census_imported",
        target=census,
        data={"territory": territory.code, "rows": len(rows)},
    )
    return census


CENSUS_TAKEN_MESSAGE = _lazy(
    "This census entry already confirms another account. If the entry is yours, write to "
    "the operator: after checking your document they move it to your account."
)
PROVIDER_TAKEN_MESSAGE = _lazy(
    "This account at the identity provider already confirms another Veche account. Sign in "
    "to that account, or write to the operator: after checking your document they move the "
    "confirmation to this account."
)


def _holder_of_subject(source: str, subject: str) -> int | None:
    """The account a census entry or provider account verifies now (one at most)."""
    return (
        Verification.objects.filter(source=source, subject=subject, revoked_at__isnull=True)
        .values_list("user_id", flat=True)
        .first()
    )


def _bind_subject(*, user, source: str, subject: str, refusal, **verification) -> Verification:
    """Record a verification of `subject` for `user`, or raise ValidationError(`refusal`) when
    it verifies another account. The unique constraint decides between two claims at once."""
    if not subject:  # a provider that names no subject: nothing to bind
        return record_verification(user=user, source=source, **verification)
    if _holder_of_subject(source, subject) not in (None, user.pk):
        raise ValidationError(refusal)
    try:
        with transaction.atomic():
            # The person's own earlier verification of the same subject gives way to the new one.
            Verification.objects.filter(
                user=user, source=source, subject=subject, revoked_at__isnull=True
            ).update(revoked_at=timezone.now())
            person_changed(user.pk)
            return record_verification(user=user, source=source, subject=subject, **verification)
    except IntegrityError:  # another account claimed it a moment ago
        raise ValidationError(refusal) from None


def verify_by_census(*, user, identifier: str, birthdate: str) -> Verification:
    """Match the person against the census lists; raise ValidationError with a reason if not.

    Each try is counted per account, per address and per network (the rate-limit table, action
    "census"; RateLimited past it): a document number and a date of birth are all a match asks,
    and someone holding a leaked list of them would otherwise try it from a crowd of accounts."""
    ratelimits.spend(RateLimit.Action.CENSUS, user)
    try:
        born = parse_birthdate(birthdate)
    except ValueError:
        raise ValidationError(_("Enter the date of birth as 12.04.1990.")) from None
    today = timezone.localdate()
    entry = (
        CensusEntry.objects.filter(identifier_hash=hash_identifier(identifier), birthdate=born)
        .exclude(census__valid_until__lt=today)
        .select_related("census", "territory")
        .order_by("-census__created_at")
        .first()
    )
    if entry is None:
        raise ValidationError(
            _(
                "We found no resident with this document number and date of "
                "birth in the census lists."
            )
        )
    valid_until = entry.census.valid_until
    return _bind_subject(
        user=user,
        source=Verification.Source.CENSUS,
        subject=entry.identifier_hash,
        refusal=CENSUS_TAKEN_MESSAGE,
        level=Level.CENSUS,
        source_reference=f"census:{entry.census_id}",
        claims={
            "birthdate": born.isoformat(),
            "address": {"formatted": entry.address, "territory": entry.territory.code},
        },
        birthdate=born,
        territory=entry.territory,
        trust_framework="census",
        evidence=[
            {
                "type": "electronic_record",
                "record": {"type": "census_list", "source": entry.census.file_name},
            }
        ],
        valid_for=(census_expiry(valid_until) - timezone.now()) if valid_until else None,
    )


def census_expiry(valid_until: datetime.date) -> datetime.datetime:
    """When a list valid until `valid_until`, and what it verified, stops counting: the end of
    that day."""
    return timezone.make_aware(datetime.datetime.combine(valid_until, datetime.time.max))


def _verified_by(census: CensusImport):
    """The census list's verifications still in force (moved ones too: they keep the list as
    their source)."""
    return Verification.objects.filter(
        source=Verification.Source.CENSUS,
        source_reference=f"census:{census.pk}",
        revoked_at__isnull=True,
    )


def shorten_census_verifications(census: CensusImport) -> int:
    """The list now ends on `census.valid_until`: what it verified lapses by the end of that day
    at the latest. Returns how many verifications were shortened."""
    until = census_expiry(census.valid_until)
    given = _verified_by(census)
    count = given.filter(Q(expires_at__isnull=True) | Q(expires_at__gt=until)).update(
        expires_at=until
    )
    if count:
        people_changed(given.filter(expires_at=until).values_list("user_id", flat=True))
    return count


def revoke_census_verifications(census: CensusImport) -> int:
    """The list is going: nobody stays verified by it. Returns how many verifications were
    revoked."""
    now = timezone.now()
    count = _verified_by(census).update(revoked_at=now)
    if count:
        people_changed(
            Verification.objects.filter(
                source=Verification.Source.CENSUS,
                source_reference=f"census:{census.pk}",
                revoked_at=now,
            ).values_list("user_id", flat=True)
        )
    return count


@transaction.atomic
def rebind_verification(*, verification: Verification, to_user, operator, reason: str):
    """An operator moves a census entry or a provider account to the account of the person it
    belongs to (after checking their document): the holder loses it, the reason is audited."""
    if not operator.has_perm("identity.rebind"):
        raise PermissionDenied(_("Only operators allowed to move verifications do this."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Say why the verification is moved to another account."))
    current = Verification.objects.select_for_update().get(pk=verification.pk)
    if not current.subject or current.revoked_at is not None:
        raise ValidationError(
            _("Only a valid verification by a census entry or a provider account is moved.")
        )
    if current.user_id == to_user.pk:
        raise ValidationError(_("The verification is already on this account."))
    if not to_user.is_active:
        raise ValidationError(_("This account is closed."))
    now = timezone.now()
    current.revoked_at = now
    current.save(update_fields=["revoked_at"])
    # What the receiving account had from the same source gives way, as on any new verification.
    Verification.objects.filter(
        user=to_user,
        source=current.source,
        source_reference=current.source_reference,
        revoked_at__isnull=True,
    ).update(revoked_at=now)
    person_changed(to_user.pk)
    claims = copy.deepcopy(current.verified_claims)
    about = claims.setdefault("verification", {})
    about["evidence"] = [
        *(about.get("evidence") or []),
        {"type": "operator_rebinding", "time": now.isoformat(), "operator": operator.pk},
    ]
    moved = Verification.objects.create(
        user=to_user,
        level=current.level,
        source=current.source,
        source_reference=current.source_reference,
        verified_claims=claims,
        birthdate=current.birthdate,
        territory=current.territory,
        verified_at=now,
        expires_at=current.expires_at,
        subject=current.subject,
    )
    record_event(
        actor=operator,
        action="identity.verification_rebound",
        target=moved,
        data={
            "from_user": current.user_id,
            "to_user": to_user.pk,
            "revoked_verification": current.pk,
            "source": current.source_reference,
            "reason": reason,
        },
    )
    return moved
