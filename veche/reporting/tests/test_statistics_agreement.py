"""The statistics page's answers of organizations are the rating's: the same deadlines, the same
share kept, for every organization, so the two public pages never tell two stories."""

import datetime
import re

import pytest
from django.utils import timezone

from tests.factories import make_organization
from veche.reporting.tests.statistics_data import STATISTICS, answered, build_city, problem

# Made relative to today, checked against today: within one day (conftest.py).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("one_city_day")]


def _row(html: str, marker: str) -> str:
    start = html.index(marker)
    return html[start : html.index("</tr>", start)]


def league_cells(html: str, slug: str) -> tuple[int, int, int]:
    """(share %, kept, deadlines) from the rating's "Deadlines kept" cell."""
    share, kept, deadlines = re.search(
        r"(\d+)% <span class=\"muted\">\((\d+)/(\d+)\)", _row(html, f'id="organization-{slug}"')
    ).groups()
    return int(share), int(kept), int(deadlines)


def statistics_cells(html: str, slug: str) -> tuple[int, int, int]:
    row = _row(html, f'data-organization="{slug}"')
    numbers = re.findall(r'<td class="num"[^>]*>([^<]*)</td>', row)
    _answers, deadlines, kept, share = numbers[:4]
    return int(share.rstrip(" %")), int(kept), int(deadlines)


def test_each_organization_has_the_same_deadlines_and_share_as_in_the_rating(client):
    city = build_city()
    late = make_organization("late-office", jurisdiction=[city.kazan])
    answered(city.north, late, days=40, on_time=False)
    answered(city.north, late, days=3)
    overdue_since = timezone.localdate() - datetime.timedelta(days=5)
    problem(city.north, late, months=3, status="registered", due_date=overdue_since)
    rating = client.get("/organizations/rating/", {"territory": "kazan"}).content.decode()
    figures = client.get(STATISTICS, {"territory": "kazan"}).content.decode()
    for slug in ("office", "late-office"):
        assert statistics_cells(figures, slug) == league_cells(rating, slug)
    # Two answers on time of three, and the appeal sent a month ago and never registered: late
    # for registration, so overdue now (one definition of overdue, `policy.overdue_q`).
    assert league_cells(rating, "office") == (50, 2, 4)
    assert league_cells(rating, "late-office") == (33, 1, 3)  # one late, one overdue now
