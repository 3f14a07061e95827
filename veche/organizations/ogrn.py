"""The OGRN, the primary state registration number of a Russian legal entity, and its check digit.

An organization's OGRN has 13 digits, an individual entrepreneur's (OGRNIP) 15; the last digit is
the remainder of the number the others make, divided by 11 (by 13 for an OGRNIP), taken mod 10.
So one mistyped digit, and most swapped pairs, are caught before anyone relies on the number.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Length of the number → the divisor of its check digit.
_DIVISORS = {13: 11, 15: 13}


def check_digit(body: str) -> int:
    """The check digit of an OGRN (12 digits given) or an OGRNIP (14 digits given)."""
    return int(body) % _DIVISORS[len(body) + 1] % 10


def is_valid_ogrn(value) -> bool:
    """13 digits whose last is (first 12 mod 11) mod 10, or 15 whose last is (first 14 mod 13)
    mod 10."""
    if not isinstance(value, str) or not value.isascii() or not value.isdigit():
        return False
    if len(value) not in _DIVISORS:
        return False
    return check_digit(value[:-1]) == int(value[-1])


def validate_ogrn(value) -> None:
    """A Django validator saying what is wrong: the form of the number, or its check digit."""
    if not isinstance(value, str) or not value.isascii() or not value.isdigit():
        raise ValidationError(_("An OGRN consists of digits only."), code="ogrn_digits")
    if len(value) not in _DIVISORS:
        raise ValidationError(
            _("An OGRN has 13 digits (an OGRNIP of an entrepreneur 15); this one has %(count)s."),
            code="ogrn_length",
            params={"count": len(value)},
        )
    if not is_valid_ogrn(value):
        raise ValidationError(
            _("The last digit of this OGRN does not match the others: check it for a typo."),
            code="ogrn_check_digit",
        )
