"""A supplementary list of signatures, or another organization's letter taking a problem up,
that the outbox gives up after its last attempt is not lost in silence: it is on record, and
every operator who may send it again from the outbox's page is told, once, in their language."""

import pytest
from django.contrib.auth.models import Permission
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend

from tests.factories import make_problem, make_resident, make_territory, make_user
from veche.appeals.models import SUPPLEMENTARY_KIND, TAKE_UP_KIND, Appeal, SupplementaryList
from veche.appeals.services import sign_appeal, take_up_problem
from veche.appeals.tests.operator_cast import make_operator
from veche.appeals.tests.take_up_cast import LETTER, make_cast
from veche.core import outbox
from veche.core.models import AuditEvent, OutboxMessage
from veche.notifications.models import Notification
from veche.notifications.services import NOTICE_KIND
from veche.notifications.tests.builders import deliver_events

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _mail_server_down(settings, monkeypatch):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    settings.VECHE_OUTBOX_MAX_ATTEMPTS = 2

    def refuse(self, messages):
        raise ConnectionRefusedError("mail server down")

    monkeypatch.setattr(EmailBackend, "send_messages", refuse)
    return monkeypatch


@pytest.fixture
def outbox_operator():
    """Staff who may send a letter of the outbox again (`core.change_outboxmessage`)."""
    person = make_user(is_staff=True)
    person.user_permissions.add(Permission.objects.get(codename="change_outboxmessage"))
    return person


def supplementary_letter() -> tuple[SupplementaryList, OutboxMessage]:
    district = make_territory("district", en="District")
    appeal = make_problem(territory=district, threshold=2).current_appeal
    for _ in range(3):
        sign_appeal(user=make_resident(district), appeal=Appeal.objects.get(pk=appeal.pk))
    letter = SupplementaryList.objects.get(appeal=appeal)
    return letter, OutboxMessage.objects.get(kind=SUPPLEMENTARY_KIND, target_id=letter.pk)


def take_up_letter():
    cast = make_cast()
    letter = take_up_problem(
        official=cast.deputy_head, problem=cast.problem, organization=cast.deputy, text=LETTER
    )
    return letter, OutboxMessage.objects.get(kind=TAKE_UP_KIND, target_id=letter.pk)


LETTERS = {"supplementary_list": supplementary_letter, "take_up": take_up_letter}


def alerts() -> list[Notification]:
    return list(Notification.objects.filter(kind="letter_gave_up").order_by("user_id"))


def give_up(message: OutboxMessage) -> None:
    results = [
        outbox.deliver(message.pk, now=OutboxMessage.objects.get(pk=message.pk).next_attempt_at)
        for _ in range(2)
    ]
    assert results == ["failed", "gave up"]


@pytest.mark.parametrize("kind", LETTERS)
def test_a_letter_given_up_alerts_the_outbox_operators_once(kind, outbox_operator):
    superuser = make_user(is_staff=True, is_superuser=True)
    bystanders = [make_user(), make_user(is_staff=True), make_operator("change_dispatch")]
    letter, message = LETTERS[kind]()
    give_up(message)
    assert outbox.deliver(message.pk) == "already handled"
    outbox.sweep()
    deliver_events()
    deliver_events()
    told = {notice.user_id for notice in alerts()}
    assert told == {outbox_operator.pk, superuser.pk}
    assert not told & {person.pk for person in bystanders}
    assert {notice.url for notice in alerts()} == {
        f"/admin/core/outboxmessage/{message.pk}/change/"
    }
    event = AuditEvent.objects.get(action=f"{kind}.gave_up")
    assert (event.actor, event.data["attempts"], event.data["recipient"]) == (
        None,
        2,
        letter.recipient,
    )
    assert "mail server down" in event.data["error"]


def test_the_alert_is_mailed_in_the_operators_language(outbox_operator, _mail_server_down):
    outbox_operator.preferred_language = "ru"
    outbox_operator.save(update_fields=["preferred_language"])
    letter, message = supplementary_letter()
    give_up(message)
    deliver_events()
    _mail_server_down.undo()
    [notice] = alerts()
    sent_notice = OutboxMessage.objects.get(kind=NOTICE_KIND, target_id=notice.pk)
    assert outbox.deliver(sent_notice.pk) == "sent"
    [sent] = [m for m in mail.outbox if m.to == [outbox_operator.email]]
    assert letter.organization.name["ru"] in sent.subject
    assert "Не удалось доставить" in sent.subject
    assert "дополнительный список" in sent.body
    assert letter.recipient in sent.body


def test_a_letter_sent_again_and_given_up_again_alerts_again(outbox_operator):
    _letter, message = take_up_letter()
    give_up(message)
    outbox.send_again(message)  # an operator's resend: a fresh count of attempts
    give_up(message)
    deliver_events()
    assert AuditEvent.objects.filter(action="take_up.gave_up").count() == 2
