"""Phone numbers as people type them: normalised to E.164, masked for display, hashed with a key.

Confirmation codes are kept only as keyed hashes too, so a copy of the database confirms nothing.
"""

import hashlib
import hmac
import re
import secrets

import phonenumbers
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

DEFAULT_REGION = "RU"  # "8 916 …" and "916 …" are Russian numbers
CODE_DIGITS = 6
SMS_TYPES = {
    phonenumbers.PhoneNumberType.MOBILE,
    phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
}


def normalize_phone(raw: str) -> str:
    """The number in E.164 (+79161234567), or ValidationError saying what is wrong with it."""
    raw = (raw or "").strip()
    if not raw:
        raise ValidationError(_("Enter your mobile phone number."))
    if re.search(r"[^\d\s()+\-.]", raw):
        raise ValidationError(
            _("A phone number has only digits, spaces, brackets and dashes, e.g. +7 916 123-45-67.")
        )
    try:
        number = phonenumbers.parse(raw, DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise ValidationError(
            _(
                "“%(number)s” is not a valid phone number. Enter it with the country code, "
                "e.g. +7 916 123-45-67."
            )
            % {"number": raw}
        )
    if phonenumbers.number_type(number) not in SMS_TYPES:
        raise ValidationError(
            _("This is not a mobile number: enter a number that can receive text messages.")
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def format_phone(e164: str) -> str:
    """+79161234567 → +7 916 123-45-67."""
    return phonenumbers.format_number(
        phonenumbers.parse(e164), phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )


def mask_phone(e164: str) -> str:
    """+79161234567 → +7 916 ***-**-67: enough for the owner to recognise, little for others."""
    if not e164:
        return ""
    number = phonenumbers.parse(e164)
    country = f"+{number.country_code}"
    national = format_phone(e164).removeprefix(country)
    digits = [i for i, char in enumerate(national) if char.isdigit()]
    hidden = set(digits[3:-2])
    return country + "".join("*" if i in hidden else c for i, c in enumerate(national))


def _key() -> bytes:
    return (settings.VECHE_CENSUS_KEY or settings.SECRET_KEY).encode()


def hash_phone(e164: str) -> str:
    """Keyed hash of a number: tells whether two accounts confirmed the same one, and no more."""
    return hmac.new(_key(), b"veche.phone:" + e164.encode(), hashlib.sha256).hexdigest()


def new_code() -> str:
    return f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"


def hash_code(code: str, *, salt: str) -> str:
    """The stored form of a code: a six-digit code is guessed offline in a moment without a key."""
    message = f"veche.phone-code:{salt}:{code}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


def code_matches(code: str, *, salt: str, digest: str) -> bool:
    return hmac.compare_digest(hash_code(code, salt=salt), digest)
