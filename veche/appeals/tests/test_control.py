"""Under control is public: a head's taking an appeal under control shows on the problem's page
and in its public timeline, the applicants and the addressee hear of it, and only a head of the
addressee or above it takes or lifts it."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.factories import make_organization, make_problem, make_staff
from tests.sign_in import enter
from veche.accounts.models import User
from veche.appeals.models import Appeal, ControlPeriod
from veche.appeals.services import send_appeal_now, set_under_control
from veche.core.models import AuditEvent
from veche.notifications.models import Notification
from veche.notifications.tests.builders import deliver_events
from veche.organizations.models import Membership

pytestmark = pytest.mark.django_db
Role = Membership.Role


@pytest.fixture
def sent(office):
    problem = make_problem(organization=office)
    send_appeal_now(author=problem.author, appeal=problem.current_appeal)
    return Appeal.objects.get(pk=problem.current_appeal_id)


def public_page(client, appeal) -> str:
    return client.get(
        appeal.problem.get_absolute_url(), headers={"accept-language": "en"}
    ).content.decode()


def test_a_head_above_takes_control_in_the_name_of_their_organization(sent, city_hall):
    head = make_staff(city_hall, Role.HEAD)
    set_under_control(head=head, appeal=sent, under_control=True)
    sent.refresh_from_db()
    assert sent.under_control
    [period] = ControlPeriod.objects.filter(appeal=sent)
    assert (period.organization, period.head, period.lifted_at) == (city_hall, head, None)
    event = AuditEvent.objects.get(action="appeal.under_control")
    assert event.data == {"period": period.pk, "organization": "city-hall"}


def test_a_head_of_the_addressee_takes_control_in_the_addressee_s_name(sent, office):
    set_under_control(head=make_staff(office, Role.HEAD), appeal=sent, under_control=True)
    assert ControlPeriod.objects.get(appeal=sent).organization == office


def test_the_problem_page_and_its_timeline_show_who_took_control_and_when(client, sent, city_hall):
    head = make_staff(city_hall, Role.HEAD, last_name="Начальников")
    set_under_control(head=head, appeal=sent, under_control=True)
    page = public_page(client, sent)
    assert "Under control of City Hall since" in page
    assert "City Hall took the appeal under control on" in page
    assert "Начальников" not in page  # the organization, not the person
    set_under_control(head=head, appeal=Appeal.objects.get(pk=sent.pk), under_control=False)
    page = public_page(client, sent)
    assert "Under control of City Hall since" not in page
    assert "City Hall took the appeal under control on" in page
    assert "City Hall lifted its control on" in page


def test_lifting_closes_the_period_and_is_audited(sent, city_hall):
    head, other_head = make_staff(city_hall, Role.HEAD), make_staff(city_hall, Role.HEAD)
    set_under_control(head=head, appeal=sent, under_control=True)
    set_under_control(head=other_head, appeal=Appeal.objects.get(pk=sent.pk), under_control=False)
    period = ControlPeriod.objects.get(appeal=sent)
    assert period.lifted_at is not None and period.lifted_by == other_head
    assert not Appeal.objects.get(pk=sent.pk).under_control
    assert AuditEvent.objects.filter(action="appeal.control_lifted").count() == 1


@pytest.mark.parametrize("who", ["official_of_addressee", "head_elsewhere", "author"])
def test_only_heads_of_the_addressee_or_above_take_control(sent, office, who):
    person = {
        "official_of_addressee": lambda: make_staff(office, Role.OFFICIAL),
        "head_elsewhere": lambda: make_staff(make_organization(), Role.HEAD),
        "author": lambda: sent.problem.author,
    }[who]()
    with pytest.raises(PermissionDenied):
        set_under_control(head=person, appeal=sent, under_control=True)
    assert not ControlPeriod.objects.exists()
    assert not Appeal.objects.get(pk=sent.pk).under_control


def test_an_appeal_is_not_taken_under_control_twice(sent, city_hall, office):
    set_under_control(head=make_staff(city_hall, Role.HEAD), appeal=sent, under_control=True)
    with pytest.raises(ValidationError):
        set_under_control(
            head=make_staff(office, Role.HEAD),
            appeal=Appeal.objects.get(pk=sent.pk),
            under_control=True,
        )
    assert ControlPeriod.objects.count() == 1


def test_control_not_taken_is_not_lifted(sent, city_hall):
    with pytest.raises(ValidationError):
        set_under_control(head=make_staff(city_hall, Role.HEAD), appeal=sent, under_control=False)
    assert not AuditEvent.objects.filter(action="appeal.control_lifted").exists()


def test_an_appeal_still_collecting_signatures_is_not_taken_under_control(office, city_hall):
    appeal = make_problem(organization=office).current_appeal
    with pytest.raises(ValidationError):
        set_under_control(head=make_staff(city_hall, Role.HEAD), appeal=appeal, under_control=True)
    assert not ControlPeriod.objects.exists()


def test_the_applicants_and_the_addressee_hear_that_the_appeal_is_under_control(
    sent, office, city_hall
):
    official = make_staff(office, Role.OFFICIAL)
    head = make_staff(city_hall, Role.HEAD)
    author = sent.problem.author
    User.objects.filter(pk__in=[official.pk, author.pk]).update(preferred_language="en")
    deliver_events()  # that it was sent
    Notification.objects.all().delete()
    set_under_control(head=head, appeal=sent, under_control=True)
    deliver_events()
    to_author = Notification.objects.get(user=author)
    assert to_author.kind == "appeal_under_control"
    assert to_author.title.startswith("City Hall took the appeal")
    to_official = Notification.objects.get(user=official)
    assert to_official.kind == "appeal_under_control_addressee"
    assert to_official.url == f"/cabinet/appeals/{sent.pk}/"
    assert not Notification.objects.filter(user=head).exists()


def test_the_cabinet_offers_lifting_control_of_a_closed_appeal_but_not_taking_it(
    client, sent, city_hall
):
    head = make_staff(city_hall, Role.HEAD)
    enter(client, head)
    Appeal.objects.filter(pk=sent.pk).update(status=Appeal.Status.CLOSED)
    page = client.get(f"/cabinet/appeals/{sent.pk}/", headers={"accept-language": "en"})
    assert "Take under control" not in page.content.decode()
    Appeal.objects.filter(pk=sent.pk).update(under_control=True)
    page = client.get(f"/cabinet/appeals/{sent.pk}/", headers={"accept-language": "en"})
    assert "Lift control" in page.content.decode()
