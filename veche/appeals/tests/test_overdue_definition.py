"""One definition of "overdue": `policy.overdue` (one appeal, in Python) and `policy.overdue_q`
(any number of them, in the database) agree on every appeal, in any time zone, and every place
that counts or lists overdue appeals asks them: the league, the cabinet, the problem list, the
API, the open data and the reminders. Late for registration counts as much as late with the
answer."""

import datetime
import zoneinfo

import pytest
from django.db import transaction
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.factories import make_appeal, make_organization, make_staff, make_territory
from tests.sign_in import enter
from veche.appeals.models import Appeal
from veche.appeals.notices import notify_overdue_appeals
from veche.appeals.policy import overdue, overdue_q
from veche.appeals.queries import filtered_problems
from veche.appeals.ratings import scores
from veche.cabinet.queries import SECTIONS, CabinetScope, section_counts, subordinate_report
from veche.opendata.datasets.appeals import PROBLEMS

# Made relative to today, checked against today: within one day (conftest.py).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("one_city_day")]
Status = Appeal.Status
DAY = datetime.timedelta(days=1)
ZONES = ["Europe/Moscow", "Asia/Vladivostok", "America/Los_Angeles", "UTC"]
TODAY = datetime.date(2026, 11, 20)

# --- Python and the database agree -----------------------------------------------------------

appeals = st.lists(
    st.fixed_dictionaries(
        {
            "status": st.sampled_from(list(Status.values)),
            # Around the registration deadline, to the minute: day boundaries are where two
            # definitions would part.
            "sent_minutes_before": st.one_of(
                st.none(), st.integers(min_value=-2 * 1440, max_value=8 * 1440)
            ),
            "due_in": st.one_of(st.none(), st.integers(min_value=-40, max_value=40)),
            "extended": st.booleans(),
        }
    ),
    min_size=1,
    max_size=8,
)


@pytest.fixture
def place():
    territory = make_territory()
    return make_organization(jurisdiction=[territory]), make_appeal(territory=territory).problem


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    specs=appeals,
    zone=st.sampled_from(ZONES),
    registration_days=st.integers(min_value=1, max_value=5),
    noon_offset=st.integers(min_value=-720, max_value=720),
)
def test_overdue_in_python_and_in_the_database_agree(
    place, specs, zone, registration_days, noon_offset
):
    organization, problem = place
    with (
        override_settings(VECHE_REGISTRATION_DAYS=registration_days),
        timezone.override(zoneinfo.ZoneInfo(zone)),
        transaction.atomic(),
    ):
        now = datetime.datetime.combine(TODAY, datetime.time(12), timezone.get_current_timezone())
        now += datetime.timedelta(minutes=noon_offset)
        today = timezone.localdate(now)
        rows = Appeal.objects.bulk_create(
            Appeal(
                problem=problem,
                organization=organization,
                status=spec["status"],
                signature_threshold=1,
                extended=spec["extended"],
                sent_at=(
                    None
                    if spec["sent_minutes_before"] is None
                    else now - datetime.timedelta(minutes=spec["sent_minutes_before"])
                ),
                due_date=None if spec["due_in"] is None else today + spec["due_in"] * DAY,
            )
            for spec in specs
        )
        in_python = {row.pk for row in rows if overdue(row, today) is not None}
        in_database = set(
            Appeal.objects.filter(overdue_q(today), pk__in=[row.pk for row in rows]).values_list(
                "pk", flat=True
            )
        )
        assert in_database == in_python
        transaction.set_rollback(True)


def test_sent_and_not_registered_past_the_registration_days_is_overdue(settings):
    settings.VECHE_REGISTRATION_DAYS = 3
    with timezone.override(zoneinfo.ZoneInfo("Asia/Vladivostok")):
        zone = timezone.get_current_timezone()
        # Received late on the 16th, local time: the 19th is its last day, the 20th is late.
        sent = make_appeal(
            status=Status.SENT,
            sent_at=datetime.datetime(2026, 11, 16, 23, 30, tzinfo=zone),
        )
        for today, late in ((TODAY - DAY, False), (TODAY, True)):
            assert (overdue(sent, today) is not None) is late
            assert Appeal.objects.filter(overdue_q(today), pk=sent.pk).exists() is late


def test_a_sent_appeal_with_a_stale_due_date_is_not_late_with_an_answer(settings):
    """The old queries took any sent appeal whose `due_date` had passed; a sent appeal awaits
    its registration, and only that clock runs for it."""
    fresh = make_appeal(status=Status.SENT, sent_at=timezone.now(), due_date=TODAY - 5 * DAY)
    assert overdue(fresh, TODAY) is None
    assert not Appeal.objects.filter(overdue_q(TODAY), pk=fresh.pk).exists()


def test_an_extension_moves_the_day_an_answer_becomes_overdue():
    extended = make_appeal(status=Status.REGISTERED, extended=True, due_date=TODAY)
    assert overdue(extended, TODAY) is None
    assert overdue(extended, TODAY + DAY) is not None
    assert Appeal.objects.filter(overdue_q(TODAY + DAY), pk=extended.pk).exists()


# --- Every place asks the one definition -----------------------------------------------------


@pytest.fixture
def late_for_registration():
    """Sent ten days ago and never registered: late, with no due date yet."""
    return make_appeal(status=Status.SENT, sent_at=timezone.now() - 10 * DAY)


def test_the_league_counts_an_appeal_left_unregistered_as_overdue(late_for_registration):
    [score] = scores([late_for_registration.organization])
    assert score.overdue_now == 1
    assert score.deadlines == 1


def test_the_cabinet_sections_and_report_count_it_as_overdue(late_for_registration):
    organization = late_for_registration.organization
    today = timezone.localdate()
    assert section_counts(organization, today)["overdue"] == 1
    scope = CabinetScope(own=[organization], head_of={organization.pk})
    scope.overseen = [(organization, 0)]
    rows, _total = subordinate_report(scope, today)
    assert rows[0].overdue == 1
    assert SECTIONS["overdue"].condition(today) is not None


def test_the_problem_list_filter_finds_it(late_for_registration):
    assert list(filtered_problems(status="overdue")) == [late_for_registration.problem]


def test_the_public_api_and_the_open_data_say_it_is_overdue(client, late_for_registration):
    body = client.get(f"/api/v1/problems/{late_for_registration.problem_id}/").json()
    assert body["appeal"]["overdue"] is True
    field = next(field for field in PROBLEMS.fields if field.name == "overdue")
    assert field.value(late_for_registration.problem) is True


def test_reminders_go_for_answers_overdue_by_the_one_definition():
    office = make_organization()
    official = make_staff(office)
    stale = make_appeal(
        organization=office, status=Status.SENT, sent_at=timezone.now(), due_date=TODAY - 5 * DAY
    )
    late = make_appeal(organization=office, status=Status.REGISTERED, due_date=TODAY - DAY)
    notices = notify_overdue_appeals(TODAY)
    assert [notice.subject for notice in notices] == [late]
    assert all(notice.user == official for notice in notices)
    assert stale.pk not in {notice.subject_id for notice in notices}


def test_the_cabinet_says_an_appeal_left_unregistered_is_late_for_registration(
    client, late_for_registration
):
    organization = late_for_registration.organization
    enter(client, make_staff(organization))
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    page = client.get(reverse("cabinet:appeal", args=[late_for_registration.pk]))
    assert page.context["deadline"] == "overdue"
    assert "Not registered in time: the last day was" in page.content.decode()
    assert "overdue by None" not in page.content.decode()
    inbox = client.get(
        reverse("cabinet:home"), {"organization": organization.slug, "section": "overdue"}
    ).content.decode()
    assert "registration late" in inbox
    assert "overdue by None" not in inbox
