"""The day an official registers an appeal on sets its due date, so it must be a real day: not
before the appeal arrived (which would shorten nothing and make the answer look late), not in
the future (which would move the due date on). The service, the cabinet's form and the API's
serializer all ask `check_registration_day`."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from tests.factories import make_organization, make_staff, make_territory
from tests.sign_in import enter
from veche.api.tests.conftest import bearer, issue, token_for
from veche.appeals.models import Appeal
from veche.appeals.policy import check_registration_day
from veche.appeals.services import register_appeal
from veche.cabinet.tests.builders import received_appeal

# Made relative to today, checked against today: within one day (conftest.py).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("one_city_day")]


@pytest.fixture(autouse=True)
def _in_english():
    with translation.override("en"):
        yield


DAY = datetime.timedelta(days=1)


@pytest.fixture
def office():
    return make_organization("district-office", jurisdiction=[make_territory()])


@pytest.fixture
def official(office):
    return make_staff(office)


@pytest.fixture
def sent(office):
    """Arrived four days ago."""
    return received_appeal(office, sent_days_ago=4)


def arrived(appeal) -> datetime.date:
    return timezone.localdate(appeal.sent_at)


def test_a_day_between_the_arrival_and_today_is_accepted(sent):
    for day in (arrived(sent), arrived(sent) + DAY, timezone.localdate()):
        check_registration_day(sent, day)


@pytest.mark.parametrize("shift", ["before_arrival", "tomorrow"])
def test_the_service_refuses_a_day_before_the_arrival_or_in_the_future(sent, official, shift):
    day = arrived(sent) - DAY if shift == "before_arrival" else timezone.localdate() + DAY
    with pytest.raises(ValidationError) as refused:
        register_appeal(
            official=official, appeal=sent, registration_number="ВХ-1", registered_on=day
        )
    assert "between the day the appeal arrived" in refused.value.messages[0]
    sent.refresh_from_db()
    assert (sent.status, sent.due_date) == (Appeal.Status.SENT, None)


def test_the_due_date_counts_from_the_day_given(sent, official):
    day = arrived(sent) + DAY
    register_appeal(official=official, appeal=sent, registration_number="ВХ-1", registered_on=day)
    sent.refresh_from_db()
    assert sent.due_date == day + datetime.timedelta(days=30)


def test_the_cabinet_form_takes_the_day_and_refuses_a_future_one(client, sent, official):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    enter(client, official)
    url = reverse("cabinet:register", args=[sent.pk])
    tomorrow = timezone.localdate() + DAY
    response = client.post(
        url,
        {"register-registration_number": "ВХ-2", "register-registered_on": tomorrow.isoformat()},
    )
    assert response.status_code == 200
    errors = response.context["forms"]["register"].errors["registered_on"]
    assert "between the day the appeal arrived" in errors[0]
    sent.refresh_from_db()
    assert sent.status == Appeal.Status.SENT

    day = arrived(sent)
    response = client.post(
        url, {"register-registration_number": "ВХ-2", "register-registered_on": day.isoformat()}
    )
    assert response.status_code == 302
    sent.refresh_from_db()
    assert sent.due_date == day + datetime.timedelta(days=30)


def test_the_cabinet_form_registers_today_when_no_day_is_given(client, sent, official):
    enter(client, official)
    client.post(
        reverse("cabinet:register", args=[sent.pk]), {"register-registration_number": "ВХ-3"}
    )
    sent.refresh_from_db()
    assert sent.due_date == timezone.localdate() + datetime.timedelta(days=30)


def test_the_api_refuses_a_day_before_the_arrival_as_a_field_error(client, sent, office):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    token = token_for(client, *issue(office))
    response = client.post(
        f"/api/v1/inbox/{sent.pk}/register/",
        {"registration_number": "ВХ-4", "registered_on": (arrived(sent) - DAY).isoformat()},
        content_type="application/json",
        **bearer(token),
    )
    assert response.status_code == 400
    assert "registered_on" in response.json()["errors"]
    sent.refresh_from_db()
    assert sent.status == Appeal.Status.SENT
