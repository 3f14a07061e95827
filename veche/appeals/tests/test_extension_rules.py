"""The deadline is extended once, and only before it has passed (`may_extend`, asked as
`appeals.extend_deadline` by the service and `cabinet.extend_deadline` by the cabinet): an
organization already late cannot extend itself out of being late. A forwarding hands the new
addressee its own one extension."""

import datetime

import pytest
import rules
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from tests.factories import make_organization, make_staff, make_territory
from tests.sign_in import enter
from veche.api.tests.conftest import bearer, issue, token_for
from veche.appeals.models import Answer, Appeal
from veche.appeals.services import answer_appeal, forward_appeal, register_appeal
from veche.cabinet.tests.builders import received_appeal

# Made relative to today, checked against today: within one day (conftest.py).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("one_city_day")]


@pytest.fixture(autouse=True)
def _in_english():
    with translation.override("en"):
        yield


Status = Appeal.Status
DAY = datetime.timedelta(days=1)


@pytest.fixture
def office():
    return make_organization("district-office", jurisdiction=[make_territory()])


@pytest.fixture
def official(office):
    return make_staff(office)


def registered(office, *, due_in: int) -> Appeal:
    return received_appeal(office, status=Status.REGISTERED, due_in=due_in, sent_days_ago=20)


def extend(official, appeal):
    return answer_appeal(
        official=official, appeal=appeal, kind=Answer.Kind.EXTENSION, text="Нужна экспертиза."
    )


def test_the_last_day_still_allows_an_extension(office, official):
    appeal = registered(office, due_in=0)
    assert rules.has_perm("appeals.extend_deadline", official, appeal)
    extend(official, appeal)
    appeal.refresh_from_db()
    assert appeal.due_date == timezone.localdate() + datetime.timedelta(days=30)


def test_an_organization_already_late_cannot_extend_itself_out_of_it(office, official):
    appeal = registered(office, due_in=-1)
    assert not rules.has_perm("appeals.extend_deadline", official, appeal)
    assert not rules.has_perm("cabinet.extend_deadline", official, appeal)
    with pytest.raises(ValidationError) as refused:
        extend(official, appeal)
    assert "due date has passed" in refused.value.messages[0]
    appeal.refresh_from_db()
    assert (appeal.extended, appeal.due_date) == (False, timezone.localdate() - DAY)
    assert not Answer.objects.filter(appeal=appeal).exists()


def test_an_extension_already_given_counts_even_if_the_flag_was_lost(office, official):
    appeal = registered(office, due_in=10)
    extend(official, appeal)
    Appeal.objects.filter(pk=appeal.pk).update(extended=False)
    appeal.refresh_from_db()
    assert not rules.has_perm("appeals.extend_deadline", official, appeal)
    with pytest.raises(ValidationError) as refused:
        extend(official, appeal)
    assert refused.value.messages == ["The deadline can be extended only once."]
    assert Answer.objects.filter(appeal=appeal, kind=Answer.Kind.EXTENSION).count() == 1


def test_the_new_addressee_after_a_forwarding_may_extend_once(office, official):
    appeal = registered(office, due_in=25)
    extend(official, appeal)
    water = make_organization("vodokanal")
    forward_appeal(official=official, appeal=appeal, organization=water, reason="Не наше.")
    appeal.refresh_from_db()
    assert appeal.extended is False
    theirs = make_staff(water)
    register_appeal(official=theirs, appeal=appeal, registration_number="ВК-1")
    appeal.refresh_from_db()
    assert rules.has_perm("appeals.extend_deadline", theirs, appeal)
    extend(theirs, appeal)
    appeal.refresh_from_db()
    assert not rules.has_perm("appeals.extend_deadline", theirs, appeal)


def test_the_cabinet_does_not_offer_an_extension_once_late(client, office, official):
    appeal = registered(office, due_in=-3)
    enter(client, official)
    forms = client.get(reverse("cabinet:appeal", args=[appeal.pk])).context["forms"]
    assert "extension" not in forms
    assert "final" in forms


def test_the_api_refuses_an_extension_once_late(client, office):
    appeal = registered(office, due_in=-3)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    token = token_for(client, *issue(office))
    response = client.post(
        f"/api/v1/inbox/{appeal.pk}/extension/",
        {"reason": "Нужна экспертиза."},
        content_type="application/json",
        **bearer(token),
    )
    assert response.status_code == 422
    assert "due date has passed" in response.json()["detail"]
    appeal.refresh_from_db()
    assert not appeal.extended
