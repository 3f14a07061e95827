"""The daily digest: one e-mail per person with every waiting notice, sent once."""

import datetime

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from veche.notifications.models import Notification, NotificationPreference
from veche.notifications.services import send_daily_digests, set_email_mode

from .builders import make_notification, person

pytestmark = pytest.mark.django_db

EmailMode = NotificationPreference.EmailMode


@pytest.fixture
def reader():
    user = person()
    set_email_mode(user=user, email_mode=EmailMode.DIGEST)
    return user


def test_digest_sends_one_mail_with_all_waiting_notices(reader):
    notices = [make_notification(reader, digest=True) for _ in range(3)]
    assert send_daily_digests(timezone.now()) == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [reader.email]
    assert message.subject == "Veche: 3 new notifications"
    for notice in notices:
        assert notice.title in message.body
        assert "https://veche.example" + notice.url in message.body
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert not Notification.objects.filter(emailed_at__isnull=True).exists()


def test_second_run_sends_nothing(reader):
    make_notification(reader, digest=True)
    now = timezone.now()
    assert send_daily_digests(now) == 1
    assert send_daily_digests(now) == 0
    assert len(mail.outbox) == 1


def test_each_person_gets_their_own_digest_and_nobody_elses_notices(reader):
    other = person()
    set_email_mode(user=other, email_mode=EmailMode.DIGEST)
    mine = make_notification(reader, digest=True)
    theirs = make_notification(other, digest=True)
    assert send_daily_digests(timezone.now()) == 2
    by_recipient = {message.to[0]: message.body for message in mail.outbox}
    assert mine.title in by_recipient[reader.email]
    assert theirs.title not in by_recipient[reader.email]


def test_notices_mailed_at_once_or_never_are_not_in_the_digest(reader):
    make_notification(reader, digest=False)
    silent = person()
    set_email_mode(user=silent, email_mode=EmailMode.OFF)
    make_notification(silent, digest=True)  # chose the digest, then turned mail off
    assert send_daily_digests(timezone.now()) == 0
    assert mail.outbox == []


def test_notices_newer_than_the_run_wait_for_the_next_digest(reader):
    now = timezone.now()
    make_notification(reader, digest=True, created_at=now + datetime.timedelta(minutes=1))
    assert send_daily_digests(now) == 0


def test_daily_command_sends_digests(reader):
    make_notification(reader, digest=True)
    call_command("notify_daily")
    assert len(mail.outbox) == 1
