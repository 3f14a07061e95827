"""The turnout of an advisory vote hides small groups so that the total cannot give them back:
a group of fewer than VECHE_VOTE_SMALL_CELL is hidden with the empty groups and the next
smallest beside it, in each dimension, on the page as in the API and the open data (the same
rule as the statistics page's, `veche.discussions.disclosure`)."""

import re

import pytest
from django.utils import translation

from veche.discussions import queries_votes
from veche.discussions.disclosure import hidden_groups

from .votes_cast import vote_by_parts

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("values", "hidden"),
    [
        ([10, 20, 7], [False, False, False]),  # nothing small: everything shown
        ([0, 0, 0], [False, False, False]),
        ([6, 1], [True, True]),  # the total is the breakdown: nothing to show
        ([3, 0, 0], [True, True, True]),  # a total under five: nothing either
        ([0, 6, 2, 7, 0, 0], [True, True, True, False, True, True]),  # zeros and the next
        ([5, 5, 1, 9], [True, False, True, False]),  # 6 hidden: not "1" by subtraction
        ([3, 2, 10], [True, True, False]),  # two small ones already hold five people
    ],
)
def test_a_small_group_is_hidden_with_the_empty_ones_and_the_next_smallest(values, hidden):
    assert hidden_groups(values, 5) == hidden


def test_one_small_group_is_not_the_total_minus_the_others(settings):
    settings.VECHE_VOTE_SMALL_CELL = 5
    _discussion, single = vote_by_parts()
    with translation.override("en"):
        counted = queries_votes.results(single)
    assert counted.voters == 14
    assert [cell.label for cell in counted.by_area] == [
        "Big district",
        "Middle district",
        "Tiny district",
        "City",
        "elsewhere or not stated",
    ]
    for dimension, shown in ((counted.by_area, "Middle district"), (counted.by_age, "18-29")):
        assert [(c.label, c.count) for c in dimension if not c.hidden] == [(shown, 7)]
        # The seven others are somewhere among four or five hidden groups.
        assert sum(1 for c in dimension if c.hidden) >= 4


def test_the_page_hides_the_same_groups(client, settings):
    settings.VECHE_VOTE_SMALL_CELL = 5
    discussion, _single = vote_by_parts()
    html = client.get(f"/discussions/{discussion.pk}/votes/", HTTP_ACCEPT_LANGUAGE="en")
    turnout = html.content.decode().split('<details class="turnout">')[1]
    rows = dict(re.findall(r'<th scope="row">([^<]+)</th><td>([^<]+)</td>', turnout))
    assert rows["Middle district"] == rows["18-29"] == "7"
    assert rows["Tiny district"] == rows["Big district"] == rows["60-"] == "not shown"
    assert rows["45-59"] == rows["City"] == "not shown"
