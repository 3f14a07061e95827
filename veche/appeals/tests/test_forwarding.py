"""Forwarding an appeal to the competent organization: the forwarding deadline (7 days from
registration by default, per organization), late forwarding recorded, and who hears of it."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import make_organization, make_resident, make_staff, make_territory, make_user
from tests.sign_in import enter
from veche.appeals.models import Answer, Appeal, AppealPolicy, Follow
from veche.appeals.policy import forwarding_due
from veche.appeals.services import forward_appeal, register_appeal, send_appeal_now, sign_appeal
from veche.cabinet.tests.builders import received_appeal, sent_appeal
from veche.core.models import AuditEvent
from veche.notifications.models import Notification
from veche.notifications.tests.builders import deliver_events

pytestmark = pytest.mark.django_db
Status = Appeal.Status
REASON = "Ремонт ливнёвки относится к Водоканалу, а не к администрации района."


@pytest.fixture
def district():
    return make_territory("kazan-sovetsky")


@pytest.fixture
def office(district):
    return make_organization("sovetsky-office", jurisdiction=[district], en="District office")


@pytest.fixture
def official(office):
    return make_staff(office)


@pytest.fixture
def water():
    return make_organization("vodokanal", en="Vodokanal")


def days_ago(days: int) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=days)


def registered(appeal: Appeal, *, days_ago_: int) -> Appeal:
    Appeal.objects.filter(pk=appeal.pk).update(
        status=Status.REGISTERED,
        registration_number="ВХ-7",
        registered_at=days_ago(days_ago_),
        due_date=timezone.localdate() + datetime.timedelta(days=30 - days_ago_),
    )
    return Appeal.objects.select_related("organization").get(pk=appeal.pk)


# --- The deadline ---------------------------------------------------------------------------


def test_forwarding_is_due_seven_days_after_registration_by_default(office):
    appeal = registered(received_appeal(office, sent_days_ago=3), days_ago_=2)
    registered_on = timezone.localdate(appeal.registered_at)
    assert forwarding_due(appeal) == registered_on + datetime.timedelta(days=7)


def test_the_site_setting_changes_the_forwarding_days(settings, office):
    settings.VECHE_FORWARDING_DAYS = 10
    appeal = registered(received_appeal(office, sent_days_ago=3), days_ago_=2)
    assert forwarding_due(appeal) == timezone.localdate(appeal.registered_at) + datetime.timedelta(
        days=10
    )


def test_an_organizations_policy_overrides_the_forwarding_days(office):
    AppealPolicy.objects.create(organization=office, forwarding_days=3)
    appeal = registered(received_appeal(office, sent_days_ago=3), days_ago_=2)
    office.refresh_from_db()
    appeal.organization = office
    assert forwarding_due(appeal) == timezone.localdate(appeal.registered_at) + datetime.timedelta(
        days=3
    )


def test_an_appeal_not_registered_yet_counts_from_its_receipt(office):
    appeal = received_appeal(office, sent_days_ago=2)
    assert forwarding_due(appeal) == timezone.localdate(appeal.sent_at) + datetime.timedelta(7)


def test_an_answered_appeal_has_no_forwarding_deadline(office):
    appeal = received_appeal(office, status=Status.ANSWERED, answered_on_time=True)
    assert forwarding_due(appeal) is None


# --- Forwarding in time and late ------------------------------------------------------------


def test_forwarding_in_time_is_not_late(office, official, water):
    appeal = registered(received_appeal(office, sent_days_ago=3), days_ago_=2)
    forward_appeal(official=official, appeal=appeal, organization=water, reason=REASON)
    answer = Answer.objects.get(appeal=appeal, kind=Answer.Kind.FORWARDING)
    assert answer.late is False
    event = AuditEvent.objects.get(action="appeal.forwarded")
    assert event.data["late"] is False
    assert (
        event.data["forward_by"] == (timezone.localdate() + datetime.timedelta(days=5)).isoformat()
    )


def test_forwarding_after_the_window_is_allowed_and_recorded_as_late(office, official, water):
    appeal = registered(received_appeal(office, sent_days_ago=12), days_ago_=10)
    forward_appeal(official=official, appeal=appeal, organization=water, reason=REASON)
    appeal.refresh_from_db()
    assert appeal.organization == water
    assert appeal.status == Status.SENT
    answer = Answer.objects.get(appeal=appeal, kind=Answer.Kind.FORWARDING)
    assert answer.late is True
    event = AuditEvent.objects.get(action="appeal.forwarded")
    assert event.data["late"] is True
    assert event.data["answer"] == answer.pk
    assert (
        event.data["forward_by"] == (timezone.localdate() - datetime.timedelta(days=3)).isoformat()
    )


def test_the_last_day_of_the_window_is_still_in_time(office, official, water):
    appeal = registered(received_appeal(office, sent_days_ago=8), days_ago_=7)
    forward_appeal(official=official, appeal=appeal, organization=water, reason=REASON)
    assert Answer.objects.get(kind=Answer.Kind.FORWARDING).late is False


# --- The pages ------------------------------------------------------------------------------


@pytest.fixture
def english(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def cabinet_page(client, appeal):
    return client.get(reverse("cabinet:appeal", args=[appeal.pk]))


def test_the_cabinet_page_shows_the_forwarding_day_while_it_is_timely(english, office, official):
    appeal = registered(received_appeal(office, sent_days_ago=3), days_ago_=2)
    enter(english, official)
    response = cabinet_page(english, appeal)
    due = timezone.localdate() + datetime.timedelta(days=5)
    assert response.context["forward_by"] == due
    content = response.content.decode()
    assert "Forward by" in content
    assert f'<time datetime="{due.isoformat()}">' in content
    assert "The time to forward ended" not in content


def test_the_cabinet_page_warns_once_forwarding_would_be_late(english, office, official):
    appeal = registered(received_appeal(office, sent_days_ago=12), days_ago_=10)
    enter(english, official)
    response = cabinet_page(english, appeal)
    assert response.context["forward_by"] is None
    content = response.content.decode()
    assert "Forward by" not in content
    assert "The time to forward ended on" in content
    assert "recorded as forwarded late" in content


def test_a_late_forwarding_is_marked_in_the_history_and_on_the_public_page(
    english, office, official, water
):
    appeal = registered(received_appeal(office, sent_days_ago=12), days_ago_=10)
    forward_appeal(official=official, appeal=appeal, organization=water, reason=REASON)
    water_official = make_staff(water)
    enter(english, water_official)
    history = cabinet_page(english, appeal).context["file"].history
    forwarding = next(entry for entry in history if entry.kind == "forwarding")
    assert forwarding.late is True
    public = english.get(appeal.problem.get_absolute_url()).content.decode()
    assert REASON in public
    assert 'badge badge--danger">late</span>' in public


# --- Who hears of it ------------------------------------------------------------------------


def in_english(*users) -> None:
    for user in users:
        user.preferred_language = "en"
        user.save(update_fields=["preferred_language"])


def kinds_of(user) -> list[str]:
    return list(Notification.objects.filter(user=user).values_list("kind", flat=True))


def test_residents_hear_once_where_and_why_the_appeal_went(
    django_capture_on_commit_callbacks, district, office, official, water
):
    neighbour = make_resident(district)
    follower = make_user()
    with django_capture_on_commit_callbacks(execute=True):
        appeal = sent_appeal(office, district, neighbour=neighbour)
        Follow.objects.create(problem=appeal.problem, user=follower)
    deliver_events()
    author = appeal.problem.author
    colleague = make_staff(office)
    water_official = make_staff(water)
    Follow.objects.create(problem=appeal.problem, user=water_official)
    stranger = make_user()
    in_english(author, neighbour, water_official)
    Notification.objects.all().delete()

    with django_capture_on_commit_callbacks(execute=True):
        forward_appeal(official=official, appeal=appeal, organization=water, reason=REASON)
    deliver_events()

    for resident in (author, neighbour, follower):
        assert kinds_of(resident) == ["answer_forwarding"]
    notice = Notification.objects.get(user=neighbour)
    assert "forwarded to Vodokanal" in notice.title
    assert "District office forwarded the appeal to Vodokanal" in notice.body
    assert REASON in notice.body
    assert "later than the law allows" not in notice.body
    # The new addressee learns that an appeal arrived (once, though he also follows it).
    assert kinds_of(water_official) == ["appeal_arrived"]
    arrived = Notification.objects.get(user=water_official)
    assert "District office forwarded to Vodokanal" in arrived.body
    assert REASON in arrived.body
    # The forwarding official, the former addressee's staff and strangers hear nothing.
    assert kinds_of(official) == []
    assert kinds_of(colleague) == []
    assert kinds_of(stranger) == []


def test_residents_are_told_when_the_forwarding_was_late(
    django_capture_on_commit_callbacks, office, official, water
):
    appeal = registered(received_appeal(office, sent_days_ago=12), days_ago_=10)
    in_english(appeal.problem.author)
    with django_capture_on_commit_callbacks(execute=True):
        forward_appeal(official=official, appeal=appeal, organization=water, reason=REASON)
    deliver_events()
    notice = Notification.objects.get(user=appeal.problem.author)
    assert "later than the law allows" in notice.body


def test_the_author_who_sends_the_appeal_is_not_told_that_it_was_sent(
    django_capture_on_commit_callbacks, district, office
):
    from tests.factories import make_problem

    neighbour = make_resident(district)
    appeal = make_problem(territory=district, organization=office).current_appeal
    sign_appeal(user=neighbour, appeal=appeal)
    with django_capture_on_commit_callbacks(execute=True):
        send_appeal_now(author=appeal.problem.author, appeal=appeal)
    deliver_events()
    assert kinds_of(appeal.problem.author) == []
    assert kinds_of(neighbour) == ["appeal_sent"]


def test_the_official_who_registers_is_not_told_of_the_registration(
    django_capture_on_commit_callbacks, district, office, official
):
    appeal = sent_appeal(office, district)
    deliver_events()  # the sending's notices
    Notification.objects.all().delete()
    Follow.objects.create(problem=appeal.problem, user=official)
    with django_capture_on_commit_callbacks(execute=True):
        register_appeal(official=official, appeal=appeal, registration_number="ВХ-12")
    deliver_events()
    assert kinds_of(official) == []
    assert kinds_of(appeal.problem.author) == ["appeal_registered"]
