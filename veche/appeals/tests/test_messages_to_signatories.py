"""Contact with residents: the addressee's officials write to everyone who signed an appeal, not
only its author; each signatory gets a notice and an e-mail, and a message marked public is shown
in the problem's timeline."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from tests.factories import make_organization, make_problem, make_resident, make_staff
from tests.sign_in import enter
from veche.accounts.models import User
from veche.appeals.models import Appeal, Message
from veche.appeals.services import (
    message_signatories,
    send_appeal_now,
    sign_appeal,
    withdraw_signature,
)
from veche.core import outbox
from veche.core.models import AuditEvent, OutboxMessage
from veche.notifications.models import Notification
from veche.notifications.services import NOTICE_KIND
from veche.notifications.tests.builders import deliver_events
from veche.organizations.models import Membership

pytestmark = pytest.mark.django_db
Role = Membership.Role

TEXT = "Работы по ремонту двора начнутся 12 мая. Просим освободить парковку."


@pytest.fixture
def official(office):
    return make_staff(office, Role.OFFICIAL)


@pytest.fixture
def sent(office):
    """An appeal sent by its author, signed by three neighbours, one of whom withdrew; everyone
    has heard that it was sent."""
    problem = make_problem(organization=office)
    appeal = problem.current_appeal
    neighbours = [make_resident(problem.territory) for _ in range(3)]
    for neighbour in neighbours:
        sign_appeal(user=neighbour, appeal=appeal)
    withdraw_signature(user=neighbours[-1], appeal=appeal)
    send_appeal_now(author=problem.author, appeal=appeal)
    deliver_events()
    Notification.objects.all().delete()
    OutboxMessage.objects.filter(kind=NOTICE_KIND).delete()
    return Appeal.objects.get(pk=appeal.pk)


def signatories(appeal) -> set[int]:
    return set(
        appeal.signatures.filter(withdrawn_at__isnull=True).values_list("user_id", flat=True)
    )


def send_notice_mail() -> None:
    """What the outbox's worker does with the e-mails of the notices made so far."""
    for pk in OutboxMessage.objects.filter(kind=NOTICE_KIND).values_list("pk", flat=True):
        outbox.deliver(pk)


def test_every_signatory_gets_the_message_as_a_notice_and_by_e_mail(sent, official):
    people = signatories(sent)
    assert len(people) == 3  # the author and two neighbours
    message_signatories(official=official, appeal=sent, text=TEXT)
    deliver_events()
    notices = Notification.objects.filter(kind="message_to_signatories")
    assert set(notices.values_list("user_id", flat=True)) == people
    assert all(TEXT in notice.body for notice in notices)
    send_notice_mail()
    emails = {User.objects.get(pk=pk).email for pk in people}
    assert {address for letter in mail.outbox for address in letter.to} == emails
    assert all(TEXT in letter.body for letter in mail.outbox)


def test_the_official_who_wrote_is_not_told_of_it(sent, official):
    message_signatories(official=official, appeal=sent, text=TEXT)
    deliver_events()
    assert not Notification.objects.filter(user=official).exists()


def test_the_message_is_stored_and_audited(sent, official):
    message = message_signatories(official=official, appeal=sent, text=TEXT, public=True)
    assert (message.audience, message.public, message.from_organization) == (
        Message.Audience.SIGNATORIES,
        True,
        True,
    )
    event = AuditEvent.objects.get(action="appeal.message_to_signatories")
    assert event.data == {"message": message.pk, "public": True, "signatories": 3}


def test_a_public_message_is_shown_in_the_timeline_and_a_private_one_is_not(client, sent, official):
    message_signatories(official=official, appeal=sent, text="Только для подписавших.")
    message_signatories(official=official, appeal=sent, text=TEXT, public=True)
    page = client.get(
        sent.problem.get_absolute_url(), headers={"accept-language": "en"}
    ).content.decode()
    assert TEXT in page
    assert "District Office wrote to the signatories" in page
    assert "Только для подписавших." not in page


@pytest.mark.parametrize("who", ["author", "signatory", "head_above", "official_elsewhere"])
def test_only_officials_of_the_addressee_write_to_the_signatories(sent, city_hall, who):
    person = {
        "author": lambda: sent.problem.author,
        "signatory": lambda: (
            sent.signatures.filter(withdrawn_at__isnull=True)
            .exclude(user=sent.problem.author)
            .first()
            .user
        ),
        "head_above": lambda: make_staff(city_hall, Role.HEAD),
        "official_elsewhere": lambda: make_staff(make_organization(), Role.OFFICIAL),
    }[who]()
    with pytest.raises(PermissionDenied):
        message_signatories(official=person, appeal=sent, text=TEXT)
    assert not Message.objects.exists()


def test_an_appeal_still_collecting_signatures_is_not_written_to_by_officials(office, official):
    appeal = make_problem(organization=office).current_appeal
    with pytest.raises(ValidationError):
        message_signatories(official=official, appeal=appeal, text=TEXT)
    assert not Message.objects.exists()


def test_an_empty_message_is_refused(sent, official):
    with pytest.raises(ValidationError):
        message_signatories(official=official, appeal=sent, text="   ")


def test_the_official_writes_from_the_cabinet_and_sees_it_in_the_history(client, sent, official):
    enter(client, official)
    response = client.post(
        f"/cabinet/appeals/{sent.pk}/signatories/",
        {"signatories-text": TEXT, "signatories-public": "on"},
        headers={"accept-language": "en"},
    )
    assert response.status_code == 302
    message = Message.objects.get()
    assert (message.audience, message.public) == (Message.Audience.SIGNATORIES, True)
    page = client.get(response["Location"], headers={"accept-language": "en"}).content.decode()
    assert "Public message to all signatories" in page
    assert TEXT in page
