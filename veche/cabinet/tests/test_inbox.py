"""The inbox: sections by deadline, only the official's own organizations, a fixed query count."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.factories import make_organization, make_staff, make_user
from tests.sign_in import enter
from veche.appeals.models import Appeal
from veche.cabinet.deadlines import DeadlineState, deadline_state
from veche.cabinet.queries import SECTIONS, inbox, section_counts
from veche.cabinet.tests.builders import received_appeal
from veche.organizations.models import Membership

# Made relative to today, checked against today: within one day (conftest.py).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("one_city_day")]
Status = Appeal.Status
INBOX = reverse("cabinet:home")


@pytest.fixture
def office():
    return make_organization("district-office", en="District office")


@pytest.fixture
def official(office):
    return make_staff(office)


@pytest.fixture
def cast(office, settings):
    """One appeal per situation an official must tell apart, due dates relative to today."""
    settings.VECHE_DUE_SOON_DAYS = 5
    return {
        "new": received_appeal(office, status=Status.SENT, title="New one"),
        "overdue": received_appeal(office, status=Status.REGISTERED, due_in=-1, title="Late"),
        "due_today": received_appeal(office, status=Status.REGISTERED, due_in=0, title="Today"),
        "due_soon": received_appeal(office, status=Status.REGISTERED, due_in=5, title="Soon"),
        "due_later": received_appeal(office, status=Status.REGISTERED, due_in=6, title="Later"),
        "controlled": received_appeal(
            office, status=Status.REGISTERED, due_in=20, under_control=True, title="Watched"
        ),
        "answered": received_appeal(
            office, status=Status.ANSWERED, due_in=-3, answered_on_time=True, title="Done"
        ),
        "answered_late": received_appeal(
            office, status=Status.CLOSED, due_in=-9, answered_on_time=False, title="Done late"
        ),
    }


def keys_in(section: str, office, cast) -> set[str]:
    found = set(inbox(office, SECTIONS[section], timezone.localdate()).values_list("pk", flat=True))
    return {key for key, appeal in cast.items() if appeal.pk in found}


@pytest.mark.parametrize(
    ("section", "expected"),
    [
        ("new", {"new"}),
        ("due_soon", {"due_today", "due_soon"}),
        ("overdue", {"overdue"}),
        ("under_control", {"controlled"}),
        ("answered", {"answered", "answered_late"}),
        (
            "all",
            {
                "new",
                "overdue",
                "due_today",
                "due_soon",
                "due_later",
                "controlled",
                "answered",
                "answered_late",
            },
        ),
    ],
)
def test_sections_classify_appeals_by_their_dates(office, cast, section, expected):
    assert keys_in(section, office, cast) == expected


def test_section_counts_agree_with_the_sections(office, cast):
    today = timezone.localdate()
    counts = section_counts(office, today)
    for key, section in SECTIONS.items():
        assert counts[key] == inbox(office, section, today).count(), key


def test_the_badge_agrees_with_the_sections(cast):
    today = timezone.localdate()
    assert deadline_state(cast["overdue"], today) == DeadlineState.OVERDUE
    assert deadline_state(cast["due_today"], today) == DeadlineState.DUE_SOON
    assert deadline_state(cast["due_soon"], today) == DeadlineState.DUE_SOON
    assert deadline_state(cast["due_later"], today) == DeadlineState.NONE
    assert deadline_state(cast["answered"], today) == DeadlineState.ON_TIME
    assert deadline_state(cast["answered_late"], today) == DeadlineState.LATE


def test_an_appeal_becomes_overdue_the_day_after_its_due_date(office, cast):
    appeal = cast["due_today"]
    Appeal.objects.filter(pk=appeal.pk).update(
        due_date=timezone.localdate() - timezone.timedelta(days=1)
    )
    assert "due_today" in keys_in("overdue", office, cast)
    assert "due_today" not in keys_in("due_soon", office, cast)


def test_the_page_shows_each_row_with_its_badge(client, official, cast):
    enter(client, official)
    page = client.get(INBOX, {"section": "all"}).content.decode()
    for appeal in cast.values():
        assert appeal.problem.title in page
    assert "badge badge--danger" in page  # the overdue one
    assert "badge badge--warn" in page  # due soon
    assert cast["overdue"].registration_number in page


def test_overdue_section_lists_only_overdue_appeals(client, official, cast):
    enter(client, official)
    page = client.get(INBOX, {"section": "overdue"}).content.decode()
    assert cast["overdue"].problem.title in page
    assert cast["due_soon"].problem.title not in page
    assert cast["new"].problem.title not in page


def test_new_is_the_default_section(client, official, cast):
    enter(client, official)
    response = client.get(INBOX)
    assert response.context["section"].key == "new"
    assert list(response.context["page"]) == [cast["new"]]


def test_the_inbox_never_shows_another_organizations_appeals(client, official, office, cast):
    elsewhere = received_appeal(make_organization(), title="Someone else's appeal")
    enter(client, official)
    page = client.get(INBOX, {"section": "all"}).content.decode()
    assert cast["new"].problem.title in page
    assert elsewhere.problem.title not in page
    assert client.get(INBOX, {"organization": elsewhere.organization.slug}).status_code == 404


def test_appeals_still_collecting_signatures_are_not_in_the_inbox(client, official, office):
    collecting = received_appeal(office, title="Still collecting")
    Appeal.objects.filter(pk=collecting.pk).update(status=Status.COLLECTING, sent_at=None)
    enter(client, official)
    assert "Still collecting" not in client.get(INBOX, {"section": "all"}).content.decode()


def test_an_official_of_several_organizations_switches_between_them(client, office, official):
    second = make_organization("water-company", en="Water company")
    Membership.objects.create(user=official, organization=second, role=Membership.Role.OFFICIAL)
    received_appeal(office, title="Pothole")
    received_appeal(second, title="No water")
    enter(client, official)
    first_page = client.get(INBOX).content.decode()
    assert "?organization=water-company" in first_page  # a tab
    second_page = client.get(INBOX, {"organization": "water-company"}).content.decode()
    assert "No water" in second_page
    assert "Pothole" not in second_page


def test_the_inbox_is_paginated_by_25(client, official, office):
    for number in range(27):
        received_appeal(office, title=f"Appeal number {number}")
    enter(client, official)
    first = client.get(INBOX, {"section": "new"})
    assert len(first.context["page"].object_list) == 25
    second = client.get(INBOX, {"section": "new", "page": 2})
    assert len(second.context["page"].object_list) == 2


def _inbox_queries(client) -> int:
    client.get(INBOX, {"section": "all"})  # what the rows made stale in the cache, kept again
    with CaptureQueriesContext(connection) as queries:
        assert client.get(INBOX, {"section": "all"}).status_code == 200
    return len(queries)


def test_the_number_of_queries_does_not_grow_with_the_rows(
    client, official, office, django_assert_max_num_queries
):
    for _ in range(2):
        received_appeal(office, status=Status.REGISTERED, due_in=3)
    enter(client, official)
    client.get(INBOX)  # the first request of a session checks the second factor once
    few = _inbox_queries(client)
    for _ in range(20):
        received_appeal(office, status=Status.REGISTERED, due_in=3)
    many = _inbox_queries(client)
    assert many == few
    # The person's staff roles are read once and answer the cabinet's rule, the header's link
    # and the cabinet's bar (whether the person organizes discussions); the header adds the
    # unread count, and the page the problems the organization took up publicly.
    with django_assert_max_num_queries(10):
        client.get(INBOX, {"section": "all"})


def test_residents_are_refused_the_cabinet(client):
    enter(client, make_user())
    assert client.get(INBOX).status_code == 403


def test_staff_in_other_roles_are_refused_the_cabinet(client, office):
    enter(client, make_staff(office, Membership.Role.MODERATOR))
    assert client.get(INBOX).status_code == 403


def test_visitors_are_sent_to_sign_in(client):
    response = client.get(INBOX)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_a_head_opens_a_subordinate_organizations_inbox_read_only(client, office):
    parent = make_organization("city-hall")
    office.parent = parent
    office.save()
    received_appeal(office, title="Subordinate's appeal")
    head = make_staff(parent, Membership.Role.HEAD)
    enter(client, head)
    response = client.get(INBOX, {"organization": office.slug, "section": "all"})
    assert response.status_code == 200
    assert response.context["read_only"] is True
    assert "Subordinate&#x27;s appeal" in response.content.decode()
