"""Ids read from request parameters: a forged one names nothing."""

import pytest

from veche.core.forms import parse_id


@pytest.mark.parametrize(
    "value",
    [
        "",
        "abc",
        "-1",
        "0",
        "1e3",
        "1.0",
        " 1",
        "²",
        "٣",
        "99999999999999999999",
        "9" * 5000,
        None,
        ["1"],
    ],
)
def test_anything_but_a_plain_positive_number_is_no_id(value):
    assert parse_id(value) is None


def test_a_plain_number_is_an_id():
    assert parse_id("42") == 42
    assert parse_id(str(2**63 - 1)) == 2**63 - 1
