"""E-mail per the person's choice: at once (one e-mail per notice, never twice), in the daily
digest, or not at all."""

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend

from tests.factories import make_appeal
from veche.core import outbox
from veche.core.models import OutboxMessage
from veche.notifications.models import Notification, NotificationPreference
from veche.notifications.services import (
    EVENT_KIND,
    NOTICE_KIND,
    announce,
    set_email_mode,
    tell_of_event,
)
from veche.notifications.tasks import send_notification_email

from .builders import make_notification, person

pytestmark = pytest.mark.django_db

EmailMode = NotificationPreference.EmailMode


@pytest.fixture
def appeal():
    return make_appeal(author=person("en"), title="Broken bench")


def notify_registered(appeal, capture):
    """The appeal's registration is announced and committed; the worker makes the notice and
    mails it (tasks run at once here)."""
    with capture(execute=True):
        announce(subject=appeal, event="registered")


def test_by_default_each_notice_is_mailed_at_once(appeal, django_capture_on_commit_callbacks):
    author = appeal.problem.author
    notify_registered(appeal, django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [author.email]
    assert message.subject == "The appeal “Broken bench” was registered"
    assert "https://veche.example" + appeal.problem.get_absolute_url() in message.body
    assert Notification.objects.get().emailed_at is not None
    # The preference row is made when the person first opens the settings, not before.
    assert not NotificationPreference.objects.exists()


def test_mail_goes_out_only_after_the_notice_commits(appeal, django_capture_on_commit_callbacks):
    event = announce(subject=appeal, event="registered")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        tell_of_event(OutboxMessage.objects.get(kind=EVENT_KIND, target_id=event.pk))
    assert Notification.objects.count() == 1
    assert mail.outbox == []
    for callback in callbacks:
        callback()
    assert len(mail.outbox) == 1


def test_digest_choice_keeps_the_notice_for_the_daily_digest(
    appeal, django_capture_on_commit_callbacks
):
    set_email_mode(user=appeal.problem.author, email_mode=EmailMode.DIGEST)
    notify_registered(appeal, django_capture_on_commit_callbacks)
    assert mail.outbox == []
    notice = Notification.objects.get()
    assert notice.digest and notice.emailed_at is None


def test_off_choice_sends_no_mail_but_keeps_the_notice_on_the_site(
    appeal, django_capture_on_commit_callbacks
):
    set_email_mode(user=appeal.problem.author, email_mode=EmailMode.OFF)
    notify_registered(appeal, django_capture_on_commit_callbacks)
    assert mail.outbox == []
    notice = Notification.objects.get()
    assert not notice.digest and notice.emailed_at is None


def test_a_notice_is_never_mailed_twice():
    notice = make_notification(person())
    assert send_notification_email.enqueue(notice.pk).return_value == "sent"
    assert send_notification_email.enqueue(notice.pk).return_value == "already handled"
    assert len(mail.outbox) == 1


def test_a_notice_queued_before_the_person_turned_mail_off_is_not_mailed():
    user = person()
    notice = make_notification(user)
    set_email_mode(user=user, email_mode=EmailMode.OFF)
    assert send_notification_email.enqueue(notice.pk).return_value == "not wanted"
    assert mail.outbox == []


def test_a_failed_send_is_retried_after_a_pause_as_the_same_letter(monkeypatch):
    notice = make_notification(person())

    def refuse(self, messages):
        raise ConnectionRefusedError("mail server down")

    monkeypatch.setattr(EmailBackend, "send_messages", refuse)
    assert send_notification_email.enqueue(notice.pk).return_value == "failed"
    message = OutboxMessage.objects.get(kind=NOTICE_KIND, target_id=notice.pk)
    assert (message.state, message.attempts) == (OutboxMessage.State.FAILED, 1)
    assert "mail server down" in message.last_error
    notice.refresh_from_db()
    assert notice.emailed_at is None
    monkeypatch.undo()
    assert outbox.deliver(message.pk) == "not due"  # the back-off holds
    assert outbox.deliver(message.pk, now=message.next_attempt_at) == "sent"
    assert len(mail.outbox) == 1
    assert mail.outbox[0].extra_headers["Message-ID"] == message.message_id
    notice.refresh_from_db()
    assert notice.emailed_at is not None


def test_mail_is_in_the_recipients_language():
    user = person("ru")
    notice = make_notification(user, title="Обращение зарегистрировано")
    send_notification_email.enqueue(notice.pk)
    message = mail.outbox[0]
    assert message.subject == "Обращение зарегистрировано"
    assert message.extra_headers["Auto-Submitted"] == "auto-generated"


def test_a_line_break_in_a_title_does_not_stop_the_mail(django_capture_on_commit_callbacks):
    appeal = make_appeal(author=person("en"), title="Broken\r\nBcc: everyone@example.org bench")
    notify_registered(appeal, django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 1
    assert "\n" not in mail.outbox[0].subject
    assert mail.outbox[0].to == [appeal.problem.author.email]
    assert mail.outbox[0].bcc == []
