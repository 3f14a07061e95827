"""Participation by territory and age group protects small groups: fewer than
VECHE_STATISTICS_MIN_GROUP people are shown as "<5", and a group the row's total would give away
is hidden too. Ages come from verified birth dates only."""

import datetime
import re

import pytest
from django.utils import timezone, translation

from tests.factories import make_discussion, make_user
from veche.reporting import statistics
from veche.reporting.tests.builders import add_submission
from veche.reporting.tests.statistics_data import (
    STATISTICS,
    build_city,
    problem,
    residents,
    sign_by,
)

pytestmark = pytest.mark.django_db


def born_aged(years: int) -> datetime.date:
    return statistics._years_before(timezone.localdate(), years) - datetime.timedelta(days=100)


@pytest.fixture
def signed_city():
    city = build_city()
    in_centre = problem(city.centre, city.office)
    sign_by(in_centre, residents(city.centre, 6, born=born_aged(25)))
    sign_by(in_centre, residents(city.centre, 7, born=born_aged(50)))
    sign_by(in_centre, residents(city.centre, 2, born=born_aged(35)))
    sign_by(problem(city.north, city.office), residents(city.north, 3, born=born_aged(70)))
    return city


def rows_of(city) -> dict[str, list[str]]:
    start, end = statistics.default_period()
    chosen = statistics.Selection(territory=city.kazan, start=start, end=end)
    with translation.override("en"):
        rows = statistics.signatories(chosen)
    return {row.label: [row.total.text(5)] + [cell.text(5) for cell in row.groups] for row in rows}


def test_a_group_under_five_is_shown_as_under_five(signed_city):
    #                    total  <18   18–29  30–44  45–59  60+   not known
    assert rows_of(signed_city)["Centre"][3] == "<5"


def test_the_next_smallest_group_is_hidden_so_the_total_does_not_give_it_away(signed_city):
    assert rows_of(signed_city)["Centre"] == ["15", "0", "*", "<5", "7", "0", "0"]


def test_a_territory_with_under_five_people_shows_no_number(signed_city):
    assert rows_of(signed_city)["North"] == ["<5", "0", "0", "0", "0", "<5", "0"]


def test_the_page_never_prints_a_small_group(client, signed_city):
    html = client.get(STATISTICS, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    start = html.index('id="table-signatories-caption"')
    shown = re.findall(r'<td class="num">([^<]*)</td>', html[start : html.index("</table>", start)])
    assert shown.count("&lt;5") == 3
    assert not {"1", "2", "3", "4"} & set(shown)


def test_people_without_a_verified_birth_date_are_counted_apart(signed_city):
    city = signed_city
    discussion = make_discussion(stage="intake", territory=city.centre)
    for _ in range(5):
        add_submission(discussion, author=make_user())  # accounts not verified
    start, end = statistics.default_period()
    chosen = statistics.Selection(territory=city.kazan, start=start, end=end)
    with translation.override("en"):
        rows = {row.label: row for row in statistics.discussion_participants(chosen)}
    assert [cell.text(5) for cell in rows["Centre"].groups] == ["0", "0", "0", "0", "0", "5"]
