"""Participation by territory and age group protects small groups: a territory of fewer than
VECHE_STATISTICS_MIN_GROUP people shows "<5" and no age group; a small age group is hidden with
the empty ones and the next smallest; a territory with parts is counted only in them; the period
is whole months. Ages come from verified birth dates only."""

import datetime
import re

import pytest
from django.utils import timezone, translation

from tests.factories import make_discussion, make_territory, make_user
from veche.reporting import statistics
from veche.reporting.tests.builders import add_submission
from veche.reporting.tests.statistics_data import (
    STATISTICS,
    build_city,
    problem,
    residents,
    sign_by,
)

# Made relative to today, checked against today: within one day (conftest.py).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("one_city_day")]


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


def rows_of(city, territory="kazan") -> dict[str, list[str]]:
    start, end = statistics.default_period()
    place = getattr(city, territory) if territory else None
    chosen = statistics.Selection(territory=place, start=start, end=end)
    with translation.override("en"):
        rows = statistics.signatories(chosen)
    return {
        row.label: [] if row.divided else [row.total.text(5)] + [c.text(5) for c in row.groups]
        for row in rows
    }


def test_a_small_group_is_hidden_with_the_empty_ones_and_the_next_smallest(signed_city):
    # Two aged 30–44: hidden, and with them the empty groups (a "0" beside a hidden group
    # tells which groups hold its people) and 18–29, the next smallest (15 - 7 - 6 = 2).
    #                                  total <18  18–29 30–44 45–59 60+  not known
    assert rows_of(signed_city)["Centre"] == ["15", "*", "*", "*", "7", "*", "*"]


def test_a_territory_with_under_five_people_shows_no_age_group(signed_city):
    # Not "<5" under 60+ and "0" elsewhere: that would tell the three signatories' age.
    assert rows_of(signed_city)["North"] == ["<5"]


def test_the_page_never_prints_a_small_group_or_its_age(client, signed_city):
    html = client.get(STATISTICS, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    start = html.index('id="table-signatories-caption"')
    table = html[start : html.index("</table>", start)]
    shown = re.findall(r'<td class="num">([^<]*)</td>', table)
    assert shown == ["15", "*", "*", "*", "7", "*", "*", "&lt;5"]
    north = table[table.index(">North<") :]
    assert re.match(r'>North</th><td class="num">&lt;5</td><td class="muted" colspan="6">', north)
    assert "too few to show by age" in north


def test_a_territory_with_parts_is_counted_only_in_them(signed_city):
    """Kazan's figure beside its districts' (on the page of every territory) would give North's
    hidden signatories away: Kazan minus Centre. A territory with parts is counted only in
    them, on its own page, and what lies on it directly as "… as a whole" there."""
    sign_by(
        problem(signed_city.kazan, signed_city.office),
        residents(signed_city.kazan, 5, born=born_aged(40)),
    )
    everywhere = rows_of(signed_city, territory=None)
    assert everywhere["Kazan"] == []  # no figure: see its page
    assert rows_of(signed_city)["Kazan as a whole"] == ["5", "0", "0", "5", "0", "0", "0"]
    assert rows_of(signed_city)["North"] == ["<5"]


def test_the_parts_of_a_part_are_counted_on_its_page(signed_city):
    city = signed_city
    quarter = make_territory("kazan-centre-quarter", parent=city.centre, en="Quarter")
    sign_by(problem(quarter, city.office), residents(quarter, 6, born=born_aged(25)))
    assert rows_of(city)["Centre"] == []  # now it has a part: counted on its own page
    centre = rows_of(city, territory="centre")
    assert centre["Quarter"] == ["6", "0", "6", "0", "0", "0", "0"]
    assert centre["Centre as a whole"] == ["15", "*", "*", "*", "7", "*", "*"]


def test_the_period_is_counted_in_whole_months_so_no_single_day_is_singled_out(
    client, signed_city, settings
):
    settings.VECHE_STATISTICS_CACHE_SECONDS = 0
    today = timezone.localdate()
    page = client.get(
        STATISTICS,
        {"territory": "kazan", "start": today.isoformat(), "end": today.isoformat()},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert page.status_code == 200
    assert (page.context["selection"].start, page.context["selection"].end) == (
        today.replace(day=1),
        today,
    )
    html = page.content.decode()
    assert f'value="{today.replace(day=1).isoformat()}"' in html  # the form shows it
    assert "The period is counted in whole months" in html


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
