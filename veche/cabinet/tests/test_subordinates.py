"""Heads see the deadlines and ratings of their organization and of every one below it."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import make_organization, make_staff, make_user
from tests.sign_in import enter
from veche.appeals.models import Appeal, Rating
from veche.cabinet.tests.builders import received_appeal
from veche.organizations.models import Membership

pytestmark = pytest.mark.django_db
Status = Appeal.Status
Role = Membership.Role
REPORT = reverse("cabinet:subordinates")


@pytest.fixture
def tree():
    city = make_organization("city-hall")
    district = make_organization("district", parent=city)
    housing = make_organization("housing", parent=district)
    sibling = make_organization("neighbour-city")
    return {"city": city, "district": district, "housing": housing, "sibling": sibling}


def rate(appeal, *scores):
    for score in scores:
        Rating.objects.create(appeal=appeal, user=make_user(), score=score)


def report_rows(client) -> dict:
    return {row.organization.slug: row for row in client.get(REPORT).context["rows"]}


def test_a_head_sees_the_organization_and_everything_below_it(client, tree):
    enter(client, make_staff(tree["district"], Role.HEAD))
    rows = client.get(REPORT).context["rows"]
    assert [(row.organization.slug, row.depth) for row in rows] == [
        ("district", 0),
        ("housing", 1),
    ]


def test_the_report_counts_deadlines_and_ratings(client, tree):
    housing = tree["housing"]
    received_appeal(housing, status=Status.SENT)
    received_appeal(housing, status=Status.REGISTERED, due_in=-2)  # overdue now
    received_appeal(housing, status=Status.REGISTERED, due_in=12)
    on_time = received_appeal(housing, status=Status.ANSWERED, due_in=-1, answered_on_time=True)
    late = received_appeal(housing, status=Status.CLOSED, due_in=-9, answered_on_time=False)
    rate(on_time, 5, 4)
    rate(late, 2)
    received_appeal(tree["sibling"], status=Status.REGISTERED, due_in=-5)
    enter(client, make_staff(tree["city"], Role.HEAD))

    row = report_rows(client)["housing"]

    assert row.received == 5
    assert row.in_work == 3
    assert row.answered == 2
    assert row.on_time_percent == 50
    assert row.overdue == 1
    assert row.rating_count == 3
    assert row.rating_average == pytest.approx(11 / 3)
    assert "neighbour-city" not in report_rows(client)


def test_an_organization_without_appeals_shows_no_shares(client, tree):
    enter(client, make_staff(tree["city"], Role.HEAD))
    row = report_rows(client)["city-hall"]
    assert row.received == 0
    assert row.on_time_percent is None
    assert row.rating_average is None


def test_the_page_links_each_organization_to_its_inbox(client, tree):
    received_appeal(tree["housing"], status=Status.REGISTERED, due_in=-1)
    enter(client, make_staff(tree["city"], Role.HEAD))
    content = client.get(REPORT).content.decode()
    assert "?organization=housing&amp;section=overdue" in content


def test_officials_who_are_not_heads_are_refused(client, tree):
    enter(client, make_staff(tree["district"], Role.OFFICIAL))
    assert client.get(REPORT).status_code == 403


def _queries(client) -> int:
    client.get(REPORT)  # what the rows made stale in the cache (the territories), kept again
    with CaptureQueriesContext(connection) as queries:
        assert client.get(REPORT).status_code == 200
    return len(queries)


def test_the_number_of_queries_does_not_grow_with_organizations(
    client, tree, django_assert_max_num_queries
):
    enter(client, make_staff(tree["city"], Role.HEAD))
    client.get(REPORT)
    few = _queries(client)
    for number in range(8):
        child = make_organization(f"child-{number}", parent=tree["district"])
        rate(received_appeal(child, status=Status.ANSWERED, answered_on_time=True), 4)
    assert _queries(client) == few
    # The person's staff roles are read once and answer the cabinet's rules and the header's
    # link; the header adds the unread count.
    with django_assert_max_num_queries(9):
        client.get(REPORT)
