"""Changes to what we know about a person's identity; each runs in one transaction."""

import copy
import datetime
import logging
import re
import secrets

import rules
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import ngettext

from veche.core.audit import record_event
from veche.identity.census import hash_identifier, parse_birthdate, parse_census
from veche.identity.legal_entities import legal_entity_from_facts
from veche.identity.models import (
    CensusEntry,
    CensusImport,
    IdentityProvider,
    Level,
    PhoneCode,
    Verification,
)
from veche.identity.phones import (
    CODE_DIGITS,
    code_matches,
    hash_code,
    hash_phone,
    mask_phone,
    new_code,
    normalize_phone,
)
from veche.identity.residence import claim_at, resolve_residence
from veche.identity.sms import SmsError, send_sms
from veche.territories.models import Territory

logger = logging.getLogger(__name__)

CENSUS_ATTEMPTS_PER_HOUR = 5


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


# --- Census -------------------------------------------------------------------------------


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
            return record_verification(user=user, source=source, subject=subject, **verification)
    except IntegrityError:  # another account claimed it a moment ago
        raise ValidationError(refusal) from None


def verify_by_census(*, user, identifier: str, birthdate: str) -> Verification:
    """Match the person against the census lists; raise ValidationError with a reason if not."""
    attempts_key = f"veche:census-attempts:{user.pk}"
    cache.add(attempts_key, 0, timeout=3600)
    if cache.incr(attempts_key) > CENSUS_ATTEMPTS_PER_HOUR:
        raise PermissionDenied(_("Too many attempts. Try again in an hour."))
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
        valid_for=(
            timezone.make_aware(datetime.datetime.combine(valid_until, datetime.time.max))
            - timezone.now()
        )
        if valid_until
        else None,
    )


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


# --- Phone -------------------------------------------------------------------------------

PHONE_WRONG_ATTEMPTS = 5
PHONE_THROTTLE_WINDOW = datetime.timedelta(hours=1)
PHONE_CODES_KEPT = datetime.timedelta(days=1)
PHONE_TRUST_FRAMEWORK = "veche_sms_code"


def _phone_reference(number_hash: str) -> str:
    return f"phone:{number_hash}"


def _holder_of(number_hash: str) -> int | None:
    """The account the number is confirmed on now, if any (one at most, by the constraint)."""
    return (
        Verification.objects.filter(
            source=Verification.Source.PHONE,
            source_reference=_phone_reference(number_hash),
            revoked_at__isnull=True,
        )
        .values_list("user_id", flat=True)
        .first()
    )


def _confirmed_elsewhere(user, number_hash: str) -> bool:
    return _holder_of(number_hash) not in (None, user.pk)


TAKEN_MESSAGE = _lazy("This number is already confirmed on another account.")


def send_phone_code(*, user, number: str, now: datetime.datetime | None = None) -> PhoneCode:
    """Send a new code by SMS to confirm `number`; when it may not be sent, raise ValidationError
    or PermissionDenied with the reason and change nothing."""
    now = now or timezone.now()
    number = normalize_phone(number)
    number_hash = hash_phone(number)
    code = new_code()
    with transaction.atomic():
        # One person's requests queue here, so that two at once cannot both pass the limit.
        get_user_model().objects.select_for_update().only("pk").get(pk=user.pk)
        holder = _holder_of(number_hash)
        if holder == user.pk:
            raise ValidationError(_("This number is already confirmed on your account."))
        if holder is not None:
            raise ValidationError(TAKEN_MESSAGE)
        since = now - PHONE_THROTTLE_WINDOW
        if (
            PhoneCode.objects.filter(user=user, created_at__gt=since).count()
            >= settings.VECHE_PHONE_CODES_PER_USER_HOUR
        ):
            raise PermissionDenied(
                _("You have asked for too many codes within an hour. Try again later.")
            )
        if (
            PhoneCode.objects.filter(number_hash=number_hash, created_at__gt=since).count()
            >= settings.VECHE_PHONE_CODES_PER_NUMBER_HOUR
        ):
            raise PermissionDenied(
                _("Too many codes have been sent to this number within an hour. Try again later.")
            )
        PhoneCode.objects.filter(created_at__lt=now - PHONE_CODES_KEPT).delete()
        # Only the latest code works.
        PhoneCode.objects.filter(user=user, status=PhoneCode.Status.PENDING).update(
            status=PhoneCode.Status.VOID, number=""
        )
        salt = secrets.token_hex(16)
        phone_code = PhoneCode.objects.create(
            user=user,
            number=number,
            number_hash=number_hash,
            salt=salt,
            code_hash=hash_code(code, salt=salt),
            created_at=now,
            expires_at=now + datetime.timedelta(minutes=settings.VECHE_PHONE_CODE_TTL_MINUTES),
        )
    try:
        send_sms(
            to=number,
            text=_("Veche: your code is %(code)s. It works for %(minutes)s minutes.")
            % {"code": code, "minutes": settings.VECHE_PHONE_CODE_TTL_MINUTES},
        )
    except SmsError as error:
        logger.error("The code to %s was not sent: %s", mask_phone(number), error)
        PhoneCode.objects.filter(pk=phone_code.pk).update(status=PhoneCode.Status.VOID, number="")
        raise ValidationError(
            _("The text message could not be sent just now. Please try again in a few minutes.")
        ) from None
    return phone_code


def confirm_phone(*, user, code: str, now: datetime.datetime | None = None) -> Verification:
    """Check the code the person received; on a match the number is confirmed (Level.PHONE).
    A wrong code counts against the code's attempts; anything else refused changes nothing."""
    now = now or timezone.now()
    code = re.sub(r"\s", "", code or "")
    if not re.fullmatch(rf"\d{{{CODE_DIGITS}}}", code):
        raise ValidationError(
            _("Enter the %(digits)s-digit code from the text message.") % {"digits": CODE_DIGITS}
        )
    refusal = None
    with transaction.atomic():
        pending = (
            PhoneCode.objects.select_for_update()
            .filter(user=user, status=PhoneCode.Status.PENDING)
            .first()
        )
        if pending is None:
            refusal = _("There is no code waiting to be entered. Ask for a new one.")
        elif not pending.is_open_on(now):
            refusal = _("The code has expired. Ask for a new one.")
        elif not code_matches(code, salt=pending.salt, digest=pending.code_hash):
            pending.attempts += 1
            left = PHONE_WRONG_ATTEMPTS - pending.attempts
            if left <= 0:
                pending.status, pending.number = PhoneCode.Status.VOID, ""
                refusal = _("The code is wrong, and it no longer works. Ask for a new one.")
            else:
                refusal = ngettext(
                    "The code is wrong. You may try %(left)s more time.",
                    "The code is wrong. You may try %(left)s more times.",
                    left,
                ) % {"left": left}
            pending.save(update_fields=["attempts", "status", "number"])
        else:
            verification = _confirm_number(user, pending, now)
            if verification is None:
                refusal = TAKEN_MESSAGE
    if refusal:
        raise ValidationError(refusal)
    return verification


def _confirm_number(user, pending: PhoneCode, now: datetime.datetime) -> Verification | None:
    """Record the confirmed number, or void the code when another account holds the number."""
    number = pending.number
    pending.status, pending.number = PhoneCode.Status.VOID, ""
    if _confirmed_elsewhere(user, pending.number_hash):
        pending.save(update_fields=["status", "number"])
        return None
    try:
        with transaction.atomic():
            # A person has one confirmed number: a new one replaces the old.
            user.verifications.filter(
                source=Verification.Source.PHONE, revoked_at__isnull=True
            ).update(revoked_at=now)
            verification = record_verification(
                user=user,
                level=Level.PHONE,
                source=Verification.Source.PHONE,
                source_reference=_phone_reference(pending.number_hash),
                claims={"phone_number": number, "phone_number_verified": True},
                trust_framework=PHONE_TRUST_FRAMEWORK,
                evidence=[{"type": "sms_code", "time": now.isoformat()}],
                verified_at=now,
            )
    except IntegrityError:  # another account confirmed it a moment ago
        pending.save(update_fields=["status", "number"])
        return None
    pending.status = PhoneCode.Status.CONFIRMED
    pending.save(update_fields=["status", "number"])
    record_event(
        actor=user,
        action="identity.phone_confirmed",
        target=verification,
        data={"number": mask_phone(number)},
    )
    return verification


# --- Identity providers -------------------------------------------------------------------


DEFAULT_MAPPING = {
    "family_name": "family_name",
    "given_name": "given_name",
    "middle_name": "middle_name",
    "birthdate": "birthdate",
    "address": "address",
    "district": "address.district",
    "locality": "address.locality",
}


def read_provider_claims(provider: IdentityProvider, data: dict) -> dict:
    """Our facts from the provider's userinfo/ID token, verified_claims first."""
    verified = data.get("verified_claims") or {}
    verified_claims = verified.get("claims", {}) if isinstance(verified, dict) else {}
    facts = {}
    for fact, path in {**DEFAULT_MAPPING, **provider.claim_mapping}.items():
        value = claim_at(verified_claims, path)
        if value in (None, ""):
            value = claim_at(data, path)
        if value not in (None, ""):
            facts[fact] = value
    return facts


def verify_with_provider(*, user, provider: IdentityProvider, data: dict) -> Verification | None:
    """Record what a provider confirmed about the user; None when the account is not confirmed.
    One account at the provider (its `sub`) verifies one Veche account: another is refused with
    ValidationError."""
    if provider.confirmed_claim and claim_at(data, provider.confirmed_claim) is not True:
        return None
    facts = read_provider_claims(provider, data)
    try:
        birthdate = (
            datetime.date.fromisoformat(str(facts["birthdate"])) if facts.get("birthdate") else None
        )
    except ValueError:
        birthdate = None
    claims = {
        key: facts[key]
        for key in ("family_name", "given_name", "middle_name", "address")
        if key in facts
    }
    if birthdate:
        claims["birthdate"] = birthdate.isoformat()
    legal_entity = legal_entity_from_facts(facts, source=provider.slug)
    if legal_entity:
        claims["legal_entity"] = legal_entity.as_claim()
    verification_info = (data.get("verified_claims") or {}).get("verification", {})
    sub = str(data.get("sub") or "")
    with transaction.atomic():
        verification = _bind_subject(
            user=user,
            source=Verification.Source.PROVIDER,
            subject=f"{provider.slug}:{sub}" if sub else "",
            refusal=PROVIDER_TAKEN_MESSAGE,
            level=Level.PROVIDER,
            source_reference=provider.slug,
            claims=claims,
            birthdate=birthdate,
            territory=resolve_residence(provider.claim_mapping, data, provider.home_territory),
            trust_framework=verification_info.get("trust_framework") or provider.trust_framework,
            evidence=verification_info.get("evidence"),
            valid_for=datetime.timedelta(days=provider.validity_days),
        )
        # The verified name replaces what the person typed: it is never typed twice.
        names = {
            "last_name": facts.get("family_name"),
            "first_name": facts.get("given_name"),
            "patronymic": facts.get("middle_name"),
        }
        changed = [
            field for field, value in names.items() if value and getattr(user, field) != value
        ]
        for field in changed:
            setattr(user, field, names[field])
        if changed:
            user.save(update_fields=changed)
    return verification


@transaction.atomic
def save_identity_provider(*, provider: IdentityProvider) -> IdentityProvider:
    """Save the administrator's provider settings and the allauth app that signs in with it."""
    from allauth.socialaccount.models import SocialApp

    provider.save()
    SocialApp.objects.update_or_create(
        provider="openid_connect",
        provider_id=provider.slug,
        defaults={
            "name": provider.title,
            "client_id": provider.client_id,
            "secret": provider.client_secret,
            "settings": {
                "server_url": provider.issuer,
                "oauth_pkce_enabled": True,
                "fetch_userinfo": True,
                "scope": provider.scopes.split(),
            },
        },
    )
    if not provider.is_enabled:
        SocialApp.objects.filter(provider="openid_connect", provider_id=provider.slug).delete()
    from veche.identity.queries import forget_provider_origins

    transaction.on_commit(forget_provider_origins)
    return provider


@transaction.atomic
def review_property_claim(*, claim, reviewer, accept: bool, reason: str = ""):
    """An organizer accepts or rejects a declaration of ownership; a rejection needs a reason."""
    from veche.identity.models import PropertyClaim

    claim = PropertyClaim.objects.select_for_update().select_related("territory").get(pk=claim.pk)
    if not rules.has_perm("identity.review_property_claim", reviewer, claim):
        if claim.user_id == reviewer.pk:
            raise PermissionDenied(_("Nobody reviews their own declaration."))
        raise PermissionDenied(_("Only organizers answering for this territory review it."))
    if claim.status != PropertyClaim.Status.PENDING:
        raise ValidationError(_("This declaration has already been reviewed."))
    if not accept and not reason.strip():
        raise ValidationError(_("Say why the declaration is rejected."))
    claim.status = PropertyClaim.Status.ACCEPTED if accept else PropertyClaim.Status.REJECTED
    claim.reviewed_by, claim.reviewed_at, claim.review_reason = reviewer, timezone.now(), reason
    claim.save()
    record_event(
        actor=reviewer,
        action=f"identity.property_{claim.status}",
        target=claim,
        data={"reason": reason},
    )
    return claim


def erase_personal_data(user) -> None:
    """On erasure of the account: verifications, phone codes and property claims with their
    documents go; nothing of them is needed once the person is gone (README, "Personal data")."""
    user.verifications.all().delete()
    user.phone_codes.all().delete()
    for claim in user.property_claims.all():
        claim.document.delete(save=False)
        claim.delete()
