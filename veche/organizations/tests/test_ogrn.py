"""The OGRN an organization applies with: a number whose check digit holds passes, and any
other is refused with a message that says what is wrong (its form, or a mistyped digit)."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from veche.organizations.ogrn import check_digit, validate_ogrn

DIGITS = "0123456789"


def refusal(value) -> ValidationError | None:
    try:
        validate_ogrn(value)
    except ValidationError as error:
        return error
    return None


@given(st.text(alphabet=DIGITS, min_size=12, max_size=12))
def test_an_ogrn_with_its_check_digit_passes_and_with_any_other_is_a_typo(body):
    right = body + str(check_digit(body))
    assert refusal(right) is None
    for last in set(DIGITS) - {right[-1]}:
        assert refusal(body + last).code == "ogrn_check_digit"


@given(st.text(alphabet=DIGITS, min_size=14, max_size=14))
def test_an_ogrnip_with_its_check_digit_passes_and_with_any_other_is_a_typo(body):
    right = body + str(check_digit(body))
    assert refusal(right) is None
    for last in set(DIGITS) - {right[-1]}:
        assert refusal(body + last).code == "ogrn_check_digit"


@given(st.text(alphabet=DIGITS, min_size=1, max_size=30).filter(lambda v: len(v) not in (13, 15)))
def test_a_number_of_another_length_is_refused_for_its_length(digits):
    assert refusal(digits).code == "ogrn_length"


@given(st.text(min_size=1).filter(lambda v: not (v.isascii() and v.isdigit())))
def test_anything_but_ascii_digits_is_refused_as_not_a_number(value):
    assert refusal(value).code == "ogrn_digits"


@given(st.text(alphabet=DIGITS, min_size=12, max_size=12), st.integers(0, 11))
def test_one_mistyped_digit_is_always_caught(body, position):
    """The check digit exists for this: one wrong digit anywhere in the body changes it."""
    ogrn = body + str(check_digit(body))
    typo = str((int(ogrn[position]) + 1) % 10)
    mistyped = ogrn[:position] + typo + ogrn[position + 1 :]
    # mod 11 then mod 10: a change of one digit by one is never a multiple of 11, but the
    # remainder 10 reads as 0, so one of the two remainders 0 and 10 may stand for the other.
    remainders = {int(ogrn[:-1]) % 11, int(mistyped[:-1]) % 11}
    if remainders != {0, 10}:
        assert refusal(mistyped) is not None


@pytest.mark.parametrize(
    "value, english, russian",
    [
        (
            "1161690058178",
            "The last digit of this OGRN does not match the others: check it for a typo.",
            "Последняя цифра ОГРН не сходится с остальными: проверьте, нет ли опечатки.",
        ),
        (
            "11616900581",
            "An OGRN has 13 digits (an OGRNIP of an entrepreneur 15); this one has 11.",
            "В ОГРН 13 цифр (в ОГРНИП предпринимателя — 15), а здесь 11.",
        ),
        ("1161690O58177", "An OGRN consists of digits only.", "ОГРН состоит только из цифр."),
    ],
)
def test_the_messages_say_what_is_wrong_in_english_and_russian(value, english, russian):
    for language, expected in (("en", english), ("ru", russian)):
        with translation.override(language):
            assert refusal(value).messages == [expected]
