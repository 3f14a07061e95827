"""The statistics page's figures on a city whose numbers are known: problems by category,
territory and month, hidden and draft problems left out, the median answer time."""

import pytest

from veche.reporting import statistics
from veche.reporting.tests.statistics_data import STATISTICS, build_city, months_ago

# Made relative to today, checked against today: within one day (conftest.py).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("one_city_day")]


@pytest.fixture
def city():
    return build_city()


def selection(city):
    start, end = statistics.default_period()
    return statistics.Selection(territory=city.kazan, start=start, end=end)


def test_problems_are_counted_by_category_without_hidden_or_draft_ones(city):
    rows = statistics.by_category(statistics.problems_in(selection(city)))
    assert [(row.key, row.value) for row in rows] == [("roads", 6), ("lights", 2)]


def test_problems_are_counted_by_district_and_the_city_itself(city):
    chosen = selection(city)
    rows = statistics.by_territory(statistics.problems_in(chosen), chosen)
    assert [(row.key, row.value) for row in rows] == [
        ("kazan-centre", 4),
        ("kazan-north", 3),
        ("", 1),  # the city itself, not inside a district
    ]


def test_a_district_counts_only_its_own_problems(city):
    start, end = statistics.default_period()
    chosen = statistics.Selection(territory=city.north, start=start, end=end)
    assert statistics.problems_in(chosen).count() == 3


def test_months_stack_problems_by_their_state_now(city):
    chosen = selection(city)
    columns = statistics.by_month(statistics.problems_in(chosen), chosen)
    assert len(columns) == 12
    this_month, last_month, two_ago = columns[-1], columns[-2], columns[-3]
    assert this_month.counts["collecting"] == 2 and this_month.total == 2
    assert (last_month.counts["collecting"], last_month.counts["sent"]) == (2, 1)
    assert two_ago.counts["answered"] == 3 and two_ago.total == 3
    assert sum(column.total for column in columns[:-3]) == 0


def test_the_period_leaves_older_problems_out(city):
    start = months_ago(1, day=1).date()
    chosen = statistics.Selection(territory=city.kazan, start=start, end=start.replace(day=28))
    assert statistics.problems_in(chosen).count() == 3


def test_the_median_answer_time_is_the_middle_answer(city):
    (row,) = statistics.organizations(city.kazan)
    assert row.median_days == 4.0
    assert row.answer_days == 12  # the rating's mean of 2, 4 and 30 days


def test_the_median_of_an_even_number_of_answers_is_the_mean_of_the_middle_two(city):
    from veche.reporting.tests.statistics_data import answered

    answered(city.centre, city.office, days=10)
    (row,) = statistics.organizations(city.kazan)
    assert row.median_days == 7.0


def test_the_page_shows_each_figure_with_its_table(client, city):
    page = client.get(STATISTICS, HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    html = page.content.decode()
    for chart in ("chart-categories", "chart-territories", "chart-months", "chart-on-time"):
        assert f'aria-labelledby="{chart}-title {chart}-desc"' in html
    assert html.count("<table") == html.count("<caption") == 7
    # No discussion yet: its chart says so instead of drawing nothing.
    assert html.count("Nothing to show for this territory and period.") == 1
