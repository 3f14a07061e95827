"""Phone confirmation by a code sent in an SMS."""

import datetime
import re
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import ngettext

from veche.core.audit import record_event
from veche.identity.eligibility import person_changed
from veche.identity.models import (
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
from veche.identity.sms import SmsError, send_sms

from ._common import logger, record_verification

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
    or PermissionDenied with the reason and change nothing.

    A number confirmed on another account is sent a code like any other, within the same
    limits: whether it is taken is said only to whoever enters the code sent to it
    (`confirm_phone`), so that this form tells nobody whose number is whose."""
    now = now or timezone.now()
    number = normalize_phone(number)
    number_hash = hash_phone(number)
    code = new_code()
    with transaction.atomic():
        # One person's requests queue here, so that two at once cannot both pass the limit.
        get_user_model().objects.select_for_update().only("pk").get(pk=user.pk)
        if _holder_of(number_hash) == user.pk:
            raise ValidationError(_("This number is already confirmed on your account."))
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
            person_changed(user.pk)
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
