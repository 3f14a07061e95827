"""Operators act on dispatches: send an appeal again, or to another address with the reason on
record; and a dispatch the outbox gives up tells every operator once, by a notice and an e-mail."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail.backends.locmem import EmailBackend

from tests.factories import make_staff, make_territory, make_user
from tests.sign_in import enter
from veche.appeals import operators
from veche.appeals.models import DISPATCH_KIND
from veche.appeals.tests.operator_cast import make_dispatch, make_operator
from veche.core import outbox
from veche.core.models import AuditEvent, OutboxMessage
from veche.notifications.models import Notification
from veche.notifications.services import NOTICE_KIND
from veche.notifications.tests.builders import deliver_events

pytestmark = pytest.mark.django_db

State = OutboxMessage.State


@pytest.fixture(autouse=True)
def _tasks_are_queued(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


@pytest.fixture
def dispatch():
    return make_dispatch()


@pytest.fixture
def operator():
    return make_operator()


@pytest.fixture
def mail_server_down(monkeypatch):
    def refuse(self, messages):
        raise ConnectionRefusedError("mail server down")

    monkeypatch.setattr(EmailBackend, "send_messages", refuse)
    return monkeypatch


def letter(dispatch) -> OutboxMessage:
    return OutboxMessage.objects.get(kind=DISPATCH_KIND, target_id=dispatch.pk)


def deliver(dispatch) -> str:
    message = letter(dispatch)
    return outbox.deliver(message.pk, now=message.next_attempt_at)


def give_up(dispatch, settings) -> None:
    """Fail every attempt until the outbox gives the letter up."""
    settings.VECHE_OUTBOX_MAX_ATTEMPTS = 3
    assert [deliver(dispatch) for _ in range(3)] == ["failed", "failed", "gave up"]


def letters_to(address: str) -> list:
    return [message for message in mail.outbox if message.to == [address]]


# --- Sending again -----------------------------------------------------------------------------


def test_a_given_up_dispatch_is_sent_again_with_a_fresh_count_and_recorded(
    dispatch, operator, settings, mail_server_down
):
    give_up(dispatch, settings)
    mail_server_down.undo()
    operators.resend_dispatch(actor=operator, dispatch=dispatch, reason="The server is back.")
    message = letter(dispatch)
    assert (message.state, message.attempts) == (State.PENDING, 0)
    assert deliver(dispatch) == "sent"
    [sent] = letters_to(dispatch.recipient)
    assert sent.extra_headers["Message-ID"] == message.message_id  # it never went out before
    event = AuditEvent.objects.get(action="dispatch.resent")
    assert (event.actor, event.object_id) == (operator, str(dispatch.pk))
    assert event.data == {
        "recipient": dispatch.recipient,
        "state": "gave_up",
        "attempts": 3,
        "reason": "The server is back.",
    }


def test_a_delivered_dispatch_sent_again_is_a_new_letter(dispatch, operator):
    assert deliver(dispatch) == "sent"
    first = letter(dispatch).message_id
    operators.resend_dispatch(actor=operator, dispatch=dispatch, reason="Never arrived.")
    assert deliver(dispatch) == "sent"
    ids = [sent.extra_headers["Message-ID"] for sent in letters_to(dispatch.recipient)]
    assert len(ids) == 2 and ids[0] == first and ids[1] != first


def test_a_letter_being_sent_is_not_sent_again_meanwhile(dispatch, operator):
    OutboxMessage.objects.filter(pk=letter(dispatch).pk).update(state=State.SENDING)
    with pytest.raises(ValidationError):
        operators.resend_dispatch(actor=operator, dispatch=dispatch)
    assert not AuditEvent.objects.filter(action="dispatch.resent").exists()


@pytest.mark.parametrize("who", ["resident", "official", "staff_without_powers", "viewer"])
def test_only_an_operator_who_may_change_dispatches_acts_on_them(dispatch, who):
    person = {
        "resident": lambda: make_user(),
        "official": lambda: make_staff(dispatch.organization),
        "staff_without_powers": lambda: make_user(is_staff=True),
        "viewer": lambda: make_operator("view_dispatch"),
    }[who]()
    with pytest.raises(PermissionDenied):
        operators.resend_dispatch(actor=person, dispatch=dispatch)
    with pytest.raises(PermissionDenied):
        operators.change_dispatch_recipient(
            actor=person, dispatch=dispatch, recipient="new@example.org", reason="Mailbox closed."
        )
    assert not AuditEvent.objects.filter(action__startswith="dispatch.").exists()


def resend_page(client, dispatch, act: str = "resend") -> dict:
    """The page of an act on the dispatch (resend, recipient), its form as the operator's
    browser would send it back."""
    page = client.get(f"/admin/appeals/dispatch/{dispatch.pk}/{act}/")
    assert page.status_code == 200
    return {"seen": page.context["form"]["seen"].value()}


def test_resending_from_the_dispatch_page(client, dispatch, operator):
    enter(client, operator)
    page = client.get(f"/admin/appeals/dispatch/{dispatch.pk}/change/", HTTP_ACCEPT_LANGUAGE="en")
    assert f'href="/admin/appeals/dispatch/{dispatch.pk}/resend/"' in page.text
    response = client.post(
        f"/admin/appeals/dispatch/{dispatch.pk}/resend/",
        resend_page(client, dispatch) | {"reason": "They asked again."},
    )
    assert response.status_code == 302
    assert AuditEvent.objects.get(action="dispatch.resent").data["reason"] == "They asked again."
    page = client.get(f"/admin/appeals/dispatch/{dispatch.pk}/change/", HTTP_ACCEPT_LANGUAGE="en")
    assert "sent again" in page.text and "They asked again." in page.text  # its history


def test_resending_several_from_the_list(client, operator):
    first, second = make_dispatch(), make_dispatch(district=make_territory())
    enter(client, operator)
    client.post(
        "/admin/appeals/dispatch/",
        {"action": "resend", "_selected_action": [first.pk, second.pk]},
    )
    assert AuditEvent.objects.filter(action="dispatch.resent").count() == 2


def test_a_resend_page_left_open_while_the_letter_went_out_sends_nothing(
    client, dispatch, operator, settings, mail_server_down
):
    """Operator A opens the page of a failed letter; B sends it again and it is delivered; A's
    "Send again" is refused, in A's language, rather than mailing the appeal a second time."""
    settings.VECHE_OUTBOX_MAX_ATTEMPTS = 3
    assert deliver(dispatch) == "failed"
    enter(client, operator)
    opened = resend_page(client, dispatch)
    mail_server_down.undo()
    operators.resend_dispatch(actor=make_operator(), dispatch=dispatch, reason="By B.")
    assert deliver(dispatch) == "sent"
    sent = letter(dispatch)
    url = f"/admin/appeals/dispatch/{dispatch.pk}/resend/"
    refused = client.post(url, opened | {"reason": "By A."}, HTTP_ACCEPT_LANGUAGE="ru")
    assert refused.status_code == 200
    assert "Письмо изменилось, пока была открыта эта страница" in refused.text
    assert (letter(dispatch).state, letter(dispatch).message_id) == (State.SENT, sent.message_id)
    assert len(letters_to(dispatch.recipient)) == 1
    assert AuditEvent.objects.filter(action="dispatch.resent").count() == 1
    # The page now stands for the letter as it is: sending from it again is A's fresh choice.
    again = refused.context["form"]["seen"].value()
    assert client.post(url, {"seen": again, "reason": "By A, seen."}).status_code == 302
    assert AuditEvent.objects.filter(action="dispatch.resent").count() == 2


def test_sending_several_again_skips_the_delivered_and_says_so(client, operator):
    delivered, waiting = make_dispatch(), make_dispatch(district=make_territory())
    assert deliver(delivered) == "sent"
    enter(client, operator)
    response = client.post(
        "/admin/appeals/dispatch/",
        {"action": "resend", "_selected_action": [delivered.pk, waiting.pk]},
        HTTP_ACCEPT_LANGUAGE="en",
        follow=True,
    )
    said = [str(message) for message in response.context["messages"]]
    assert any("1 appeal was delivered already" in text for text in said)
    assert any("1 appeal will be sent again" in text for text in said)
    [resent] = AuditEvent.objects.filter(action="dispatch.resent")
    assert resent.object_id == str(waiting.pk)
    assert letter(delivered).state == State.SENT


# --- Retrying and giving up from the outbox's page -------------------------------------------


def outbox_operator(*dispatch_permissions: str):
    from django.contrib.auth.models import Permission

    person = (
        make_operator(*dispatch_permissions)
        if dispatch_permissions
        else make_operator("view_dispatch")
    )
    person.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_outboxmessage", "change_outboxmessage"])
    )
    return type(person).objects.get(pk=person.pk)


def test_a_dispatch_letter_is_not_given_up_or_retried_by_the_outboxs_permission_alone(
    client, dispatch, settings, mail_server_down
):
    settings.VECHE_OUTBOX_MAX_ATTEMPTS = 3
    assert deliver(dispatch) == "failed"
    person = outbox_operator()
    for act in (outbox.give_up, outbox.retry_now):
        with pytest.raises(PermissionDenied):
            act(actor=person, message=letter(dispatch))
    enter(client, person)
    for action in ("give_up", "retry_now"):
        response = client.post(
            "/admin/core/outboxmessage/",
            {"action": action, "_selected_action": [letter(dispatch).pk]},
        )
        assert response.status_code == 302  # refused with a warning, not a server error
    assert (letter(dispatch).state, letter(dispatch).attempts) == (State.FAILED, 1)
    assert not AuditEvent.objects.filter(action__startswith="outbox.").exists()
    assert not AuditEvent.objects.filter(action__startswith="dispatch.").exists()


def test_a_dispatch_letter_given_up_or_retried_from_the_outbox_is_in_its_history(
    client, dispatch, settings, mail_server_down
):
    settings.VECHE_OUTBOX_MAX_ATTEMPTS = 3
    assert deliver(dispatch) == "failed"
    person = outbox_operator("view_dispatch", "change_dispatch")
    outbox.retry_now(actor=person, message=letter(dispatch))
    enter(client, person)
    client.post(
        "/admin/core/outboxmessage/",
        {"action": "give_up", "_selected_action": [letter(dispatch).pk]},
    )
    assert letter(dispatch).state == State.GAVE_UP
    history = operators.dispatch_history(dispatch)
    assert [(event.action, event.actor) for event in history] == [
        ("dispatch.given_up", person),
        ("dispatch.retried", person),
    ]
    assert history[0].data == {
        "recipient": dispatch.recipient,
        "state": "failed",
        "attempts": 1,
        "message": letter(dispatch).pk,
    }
    page = client.get(f"/admin/appeals/dispatch/{dispatch.pk}/change/", HTTP_ACCEPT_LANGUAGE="en")
    assert "given up from the outbox" in page.text and "retried from the outbox" in page.text


# --- Another recipient -------------------------------------------------------------------------


def test_the_appeal_goes_to_the_new_address_with_the_reason_on_record(dispatch, operator):
    old = dispatch.recipient
    assert deliver(dispatch) == "sent"
    operators.change_dispatch_recipient(
        actor=operator,
        dispatch=dispatch,
        recipient="Priemnaya@Example.org ",
        reason="The old mailbox bounces; the new one is on their site.",
    )
    dispatch.refresh_from_db()
    assert dispatch.recipient == "priemnaya@example.org"
    assert deliver(dispatch) == "sent"
    assert len(letters_to("priemnaya@example.org")) == 1
    event = AuditEvent.objects.get(action="dispatch.recipient_changed")
    assert event.actor == operator
    assert (event.data["from"], event.data["to"]) == (old, "priemnaya@example.org")
    assert event.data["reason"] == "The old mailbox bounces; the new one is on their site."
    dispatch.organization.refresh_from_db()
    assert dispatch.organization.dispatch_email == old  # the organization's own is unchanged


@pytest.mark.parametrize(
    ("recipient", "reason"),
    [
        ("not an address", "The old mailbox bounces."),
        ("new@example.org", "bounces"),  # too short to be a reason
        ("new@example.org", "          "),
    ],
)
def test_a_change_without_an_address_or_a_reason_is_refused(dispatch, operator, recipient, reason):
    with pytest.raises(ValidationError):
        operators.change_dispatch_recipient(
            actor=operator, dispatch=dispatch, recipient=recipient, reason=reason
        )
    dispatch.refresh_from_db()
    assert dispatch.recipient != recipient
    assert not AuditEvent.objects.filter(action="dispatch.recipient_changed").exists()


def test_the_same_address_is_no_change(dispatch, operator):
    with pytest.raises(ValidationError):
        operators.change_dispatch_recipient(
            actor=operator,
            dispatch=dispatch,
            recipient=dispatch.recipient.upper(),
            reason="Just checking the form.",
        )


def test_the_organizations_address_changes_too_when_asked_by_who_may_edit_it(dispatch):
    from django.contrib.auth.models import Permission

    operator, old = make_operator(), dispatch.recipient
    with pytest.raises(PermissionDenied):
        operators.change_dispatch_recipient(
            actor=operator,
            dispatch=dispatch,
            recipient="new@example.org",
            reason="Their address moved for good.",
            for_future=True,
        )
    operator.user_permissions.add(Permission.objects.get(codename="change_organization"))
    operator = type(operator).objects.get(pk=operator.pk)  # permissions are cached per object
    operators.change_dispatch_recipient(
        actor=operator,
        dispatch=dispatch,
        recipient="new@example.org",
        reason="Their address moved for good.",
        for_future=True,
    )
    dispatch.organization.refresh_from_db()
    assert dispatch.organization.dispatch_email == "new@example.org"
    event = AuditEvent.objects.get(action="dispatch.recipient_changed")
    assert event.data["organization_email_was"] == old


def test_changing_the_recipient_on_the_dispatch_page(client, dispatch, operator):
    enter(client, operator)
    opened = resend_page(client, dispatch, "recipient")
    url = f"/admin/appeals/dispatch/{dispatch.pk}/recipient/"
    refused = client.post(url, opened | {"recipient": "new@example.org", "reason": "short"})
    assert refused.status_code == 200
    dispatch.refresh_from_db()
    assert dispatch.recipient != "new@example.org"
    response = client.post(
        url,
        opened | {"recipient": "new@example.org", "reason": "The old mailbox was closed in May."},
    )
    assert response.status_code == 302
    dispatch.refresh_from_db()
    assert dispatch.recipient == "new@example.org"
    assert letter(dispatch).state == State.PENDING
    assert AuditEvent.objects.filter(action="dispatch.recipient_changed").count() == 1


def test_a_recipient_page_left_open_while_another_operator_changed_it_sends_nothing(
    client, dispatch, operator
):
    """A opens the page; B sends the appeal to another address; A's change, made on what the
    page showed, would mail it a third time: refused, and the page shows it as it stands."""
    enter(client, operator)
    opened = resend_page(client, dispatch, "recipient")
    operators.change_dispatch_recipient(
        actor=make_operator(),
        dispatch=dispatch,
        recipient="by-b@example.org",
        reason="B found the new mailbox.",
    )
    url = f"/admin/appeals/dispatch/{dispatch.pk}/recipient/"
    form = {"recipient": "by-a@example.org", "reason": "A found another mailbox."}
    refused = client.post(url, opened | form, HTTP_ACCEPT_LANGUAGE="en")
    assert refused.status_code == 200
    assert "The letter changed while this page was open" in refused.text
    dispatch.refresh_from_db()
    assert dispatch.recipient == "by-b@example.org"
    assert AuditEvent.objects.filter(action="dispatch.recipient_changed").count() == 1
    again = refused.context["form"]["seen"].value()
    assert client.post(url, form | {"seen": again}).status_code == 302
    dispatch.refresh_from_db()
    assert dispatch.recipient == "by-a@example.org"


# --- A dispatch given up tells the operators ---------------------------------------------------


def alerts() -> list[Notification]:
    return list(Notification.objects.filter(kind="dispatch_gave_up").order_by("user_id"))


def test_a_dispatch_given_up_alerts_every_operator_once(
    dispatch, operator, settings, mail_server_down
):
    another = make_operator("change_dispatch")
    superuser = make_user(is_staff=True, is_superuser=True)
    bystanders = [
        make_user(),
        make_staff(dispatch.organization),
        make_user(is_staff=True),
        make_operator("view_dispatch"),
        make_operator("change_category"),
    ]
    give_up(dispatch, settings)
    # The worker that gave up and any later delivery, sweep or retry of its message tell no more.
    assert deliver(dispatch) == "already handled"
    outbox.sweep()
    deliver_events()
    deliver_events()
    told = {notice.user_id for notice in alerts()}
    assert told == {operator.pk, another.pk, superuser.pk}
    assert not told & {person.pk for person in bystanders}
    assert len(alerts()) == 3
    notice = alerts()[0]
    assert notice.url == f"/admin/appeals/dispatch/{dispatch.pk}/change/"
    event = AuditEvent.objects.get(action="dispatch.gave_up")
    assert (event.actor, event.data["attempts"]) == (None, 3)
    assert "mail server down" in event.data["error"]


def test_the_alert_is_mailed_to_the_operator_in_their_language(
    dispatch, operator, settings, mail_server_down
):
    operator.preferred_language = "ru"
    operator.save(update_fields=["preferred_language"])
    give_up(dispatch, settings)
    deliver_events()
    mail_server_down.undo()
    [notice] = alerts()
    message = OutboxMessage.objects.get(kind=NOTICE_KIND, target_id=notice.pk)
    assert outbox.deliver(message.pk) == "sent"
    [sent] = letters_to(operator.email)
    assert dispatch.organization.title in sent.subject
    assert "Не удалось доставить" in sent.subject
    assert "ConnectionRefusedError: mail server down" in sent.body
    assert dispatch.recipient in sent.body


def test_a_dispatch_given_up_again_after_a_resend_alerts_again(
    dispatch, operator, settings, mail_server_down
):
    give_up(dispatch, settings)
    operators.resend_dispatch(actor=operator, dispatch=dispatch)
    assert [deliver(dispatch) for _ in range(3)] == ["failed", "failed", "gave up"]
    deliver_events()
    assert len(alerts()) == 2
    assert AuditEvent.objects.filter(action="dispatch.gave_up").count() == 2


def test_a_letter_given_up_by_an_operator_alerts_nobody(dispatch, settings, mail_server_down):
    from django.contrib.auth.models import Permission

    settings.VECHE_OUTBOX_MAX_ATTEMPTS = 3
    assert deliver(dispatch) == "failed"
    staff = make_operator()
    staff.user_permissions.add(Permission.objects.get(codename="change_outboxmessage"))
    staff = type(staff).objects.get(pk=staff.pk)
    outbox.give_up(actor=staff, message=letter(dispatch))
    deliver_events()
    assert alerts() == []
