"""The discussion page names its time zone with the offset a resident can use."""

import pytest

from veche.discussions.models import Discussion


@pytest.mark.parametrize(
    ("zone", "label"),
    [
        ("Europe/Moscow", "Europe/Moscow (UTC+3)"),
        ("Asia/Kolkata", "Asia/Kolkata (UTC+5:30)"),
        ("UTC", "UTC (UTC+0)"),
        ("America/Noronha", "America/Noronha (UTC−2)"),
    ],
)
def test_the_zone_is_named_with_its_offset(zone, label):
    assert Discussion(time_zone=zone).zone_label == label
