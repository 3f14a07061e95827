"""Unsubscribing in one click: a signed link in every e-mail; a GET only asks, a POST turns
e-mail off; mail providers' RFC 8058 POST works without a CSRF token; forged links are refused."""

import re

import pytest
from django.core import mail, signing
from django.test import Client

from veche.notifications.links import user_for_unsubscribe_token
from veche.notifications.models import NotificationPreference
from veche.notifications.services import email_modes, unsubscribe_token
from veche.notifications.tasks import send_notification_email

from .builders import make_notification, person

pytestmark = pytest.mark.django_db

OFF = NotificationPreference.EmailMode.OFF
IMMEDIATE = NotificationPreference.EmailMode.IMMEDIATE


@pytest.fixture
def user():
    return person()


@pytest.fixture
def strict_client():
    return Client(enforce_csrf_checks=True)


def link(user) -> str:
    return f"/notifications/unsubscribe/{unsubscribe_token(user)}/"


def mode(user) -> str:
    return email_modes([user.pk])[user.pk]


def test_every_mail_carries_the_one_click_link_in_body_and_headers(user):
    send_notification_email.enqueue(make_notification(user).pk)
    message = mail.outbox[0]
    # The token carries its signing time, so it is read back rather than made again here: a
    # second's tick between the e-mail and the test would change it.
    header = re.fullmatch(
        r"<https://veche\.example/notifications/unsubscribe/([^/]+)/>",
        message.extra_headers["List-Unsubscribe"],
    )
    assert header, message.extra_headers["List-Unsubscribe"]
    assert user_for_unsubscribe_token(header[1]) == user
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message.extra_headers["List-Unsubscribe"][1:-1] in message.body


def test_opening_the_link_only_asks_and_changes_nothing(client, user):
    response = client.get(link(user), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    html = response.content.decode()
    assert re.search(r'<form method="post"', html)
    assert user.email not in html  # masked: the page may be seen by whoever has the link
    assert mode(user) == IMMEDIATE
    assert not NotificationPreference.objects.exists()


def test_the_button_turns_email_off(strict_client, user):
    page = strict_client.get(link(user))
    token = page.context["csrf_token"]
    response = strict_client.post(link(user), {"csrfmiddlewaretoken": str(token)})
    assert response.status_code == 200
    assert mode(user) == OFF


def test_a_post_without_csrf_token_that_is_not_one_click_is_refused(strict_client, user):
    response = strict_client.post(link(user), {"anything": "else"})
    assert response.status_code == 403
    assert mode(user) == IMMEDIATE


def test_rfc_8058_one_click_post_works_without_csrf_token_or_session(strict_client, user):
    response = strict_client.post(link(user), {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert mode(user) == OFF


def test_unsubscribing_twice_is_harmless(strict_client, user):
    strict_client.post(link(user), {"List-Unsubscribe": "One-Click"})
    strict_client.post(link(user), {"List-Unsubscribe": "One-Click"})
    assert NotificationPreference.objects.get(user=user).email_mode == OFF
    assert (
        "already off" in strict_client.get(link(user), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    )


@pytest.mark.parametrize(
    "forge",
    [
        lambda user: unsubscribe_token(user)[:-2] + "xx",  # signature altered
        lambda user: signing.dumps({"user": user.pk}),  # signed for another purpose
        lambda user: signing.dumps({"user": user.pk}, salt="wrong"),
        lambda user: "not-a-token",
    ],
)
def test_a_forged_link_is_refused_with_a_clear_message(strict_client, user, forge):
    url = f"/notifications/unsubscribe/{forge(user)}/"
    page = strict_client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 400
    assert "This unsubscribe link is not valid" in page.content.decode()
    one_click = strict_client.post(url, {"List-Unsubscribe": "One-Click"})
    assert one_click.status_code == 400
    assert mode(user) == IMMEDIATE


def test_a_link_for_an_erased_account_is_refused(strict_client, user):
    url = link(user)
    user.is_active = False
    user.save()
    assert strict_client.post(url, {"List-Unsubscribe": "One-Click"}).status_code == 400
