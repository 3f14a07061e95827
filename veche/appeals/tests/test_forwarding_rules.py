"""Forwarding goes only to a body bound to answer (`VECHE_FORWARDING_KINDS`: a public authority or
a municipal company by default), in the service, the cabinet's choices and the API. A forwarding
after the forwarding days or once the appeal is overdue is late and counts against the
forwarder: in the league, the cabinet's report, the API and the open data. The new addressee
starts afresh: no extension, and control over the previous one ends."""

import datetime

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from tests.factories import make_organization, make_staff, make_territory
from tests.sign_in import enter
from veche.api.tests.conftest import bearer, issue, token_for
from veche.appeals.models import Answer, Appeal, ControlPeriod
from veche.appeals.ratings import scores
from veche.appeals.services import forward_appeal, set_under_control
from veche.cabinet.queries import CabinetScope, subordinate_report
from veche.cabinet.tests.builders import received_appeal
from veche.opendata.datasets.appeals import ORGANIZATIONS
from veche.organizations.models import Membership, Organization

# Made relative to today, checked against today: within one day (conftest.py).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("one_city_day")]


@pytest.fixture(autouse=True)
def _in_english():
    with translation.override("en"):
        yield


Kind = Organization.Kind
Status = Appeal.Status
REASON = "Ремонт ливнёвки относится к Водоканалу."


@pytest.fixture
def city_hall():
    return make_organization("city-hall")


@pytest.fixture
def office(city_hall):
    return make_organization("district-office", parent=city_hall, jurisdiction=[make_territory()])


@pytest.fixture
def official(office):
    return make_staff(office)


@pytest.fixture
def water():
    return make_organization("vodokanal", kind=Kind.MUNICIPAL_COMPANY)


@pytest.fixture
def party():
    return make_organization("party", kind=Kind.PARTY)


def registered(office, *, days_ago: int = 2, due_in: int = 28) -> Appeal:
    return received_appeal(
        office, status=Status.REGISTERED, sent_days_ago=days_ago + 1, due_in=due_in
    )


def test_the_setting_lists_every_kind_of_organization():
    assert set(django_settings.ORGANIZATION_KINDS) == set(Kind.values)
    assert django_settings.VECHE_FORWARDING_KINDS == ["authority", "municipal_company"]


# --- Only to the kinds that answer -----------------------------------------------------------


def test_the_service_refuses_a_kind_not_in_the_setting(office, official, party):
    appeal = registered(office)
    with pytest.raises(ValidationError) as refused:
        forward_appeal(official=official, appeal=appeal, organization=party, reason=REASON)
    assert "only to an organization of these kinds" in refused.value.messages[0]
    appeal.refresh_from_db()
    assert appeal.organization == office
    assert not Answer.objects.filter(appeal=appeal).exists()


def test_the_setting_decides_which_kinds(settings, office, official, party):
    settings.VECHE_FORWARDING_KINDS = ["authority", "party"]
    appeal = registered(office)
    forward_appeal(official=official, appeal=appeal, organization=party, reason=REASON)
    appeal.refresh_from_db()
    assert appeal.organization == party


def test_the_cabinet_offers_only_the_kinds_that_answer(client, office, official, water, party):
    authority = make_organization("committee")
    appeal = registered(office)
    enter(client, official)
    form = client.get(reverse("cabinet:appeal", args=[appeal.pk])).context["forms"]["forward"]
    offered = set(form.fields["organization"].queryset)
    assert {water, authority} <= offered
    assert party not in offered
    assert office not in offered


def test_the_api_refuses_a_kind_not_in_the_setting_as_a_field_error(client, office, party):
    appeal = registered(office)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    token = token_for(client, *issue(office))
    response = client.post(
        f"/api/v1/inbox/{appeal.pk}/forward/",
        {"organization": party.slug, "reason": REASON},
        content_type="application/json",
        **bearer(token),
    )
    assert response.status_code == 400
    assert "organization" in response.json()["errors"]
    appeal.refresh_from_db()
    assert appeal.organization == office


# --- Late forwarding -------------------------------------------------------------------------


def test_a_forwarding_once_the_appeal_is_overdue_is_late_even_within_the_forwarding_days(
    settings, office, official, water
):
    settings.VECHE_REGISTRATION_DAYS = 3
    # Received five days ago and not registered: within the seven forwarding days, but late for
    # registration since yesterday.
    appeal = received_appeal(office, sent_days_ago=5)
    forward_appeal(official=official, appeal=appeal, organization=water, reason=REASON)
    assert Answer.objects.get(appeal=appeal, kind=Answer.Kind.FORWARDING).late is True


def test_a_timely_forwarding_is_not_late(office, official, water):
    appeal = registered(office, days_ago=2)
    forward_appeal(official=official, appeal=appeal, organization=water, reason=REASON)
    assert Answer.objects.get(appeal=appeal, kind=Answer.Kind.FORWARDING).late is False


@pytest.fixture
def forwarded_late(office, official, water):
    appeal = registered(office, days_ago=12)
    forward_appeal(official=official, appeal=appeal, organization=water, reason=REASON)
    return appeal


def test_the_league_counts_a_late_forwarding_against_the_forwarder(forwarded_late, office, water):
    by_organization = {score.organization: score for score in scores([office, water])}
    assert by_organization[office].forwarded_late == 1
    assert by_organization[office].deadlines == 1
    assert by_organization[office].on_time_share == 0.0
    assert by_organization[water].forwarded_late == 0


def test_the_cabinet_report_counts_it_too(client, forwarded_late, office, city_hall):
    head = make_staff(city_hall, Membership.Role.HEAD)
    scope = CabinetScope(own=[city_hall], head_of={city_hall.pk})
    scope.overseen = [(city_hall, 0), (office, 1)]
    rows, total = subordinate_report(scope, timezone.localdate())
    assert {row.organization: row.forwarded_late for row in rows} == {city_hall: 0, office: 1}
    assert total.forwarded_late == 1
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    enter(client, head)
    assert "Forwarded late" in client.get(reverse("cabinet:subordinates")).content.decode()


def test_the_api_and_the_open_data_publish_it(client, forwarded_late, office):
    body = client.get(f"/api/v1/organizations/{office.slug}/").json()
    assert body["rating"]["forwarded_late"] == 1
    field = next(field for field in ORGANIZATIONS.fields if field.name == "forwarded_late")
    rows = {row.slug: row for row in ORGANIZATIONS.rows(timezone.localdate())}
    assert field.value(rows[office.slug]) == 1


# --- The new addressee starts afresh ---------------------------------------------------------


def test_forwarding_resets_the_extension_and_ends_control(office, official, water, city_hall):
    appeal = registered(office)
    Appeal.objects.filter(pk=appeal.pk).update(
        extended=True, due_date=timezone.localdate() + datetime.timedelta(days=40)
    )
    head = make_staff(city_hall, Membership.Role.HEAD)
    set_under_control(head=head, appeal=appeal, under_control=True)
    forward_appeal(
        official=official,
        appeal=Appeal.objects.get(pk=appeal.pk),
        organization=water,
        reason=REASON,
    )
    appeal.refresh_from_db()
    assert (appeal.extended, appeal.under_control, appeal.due_date) == (False, False, None)
    period = ControlPeriod.objects.get(appeal=appeal)
    assert period.lifted_at is not None
