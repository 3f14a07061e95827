"""The e-mails that carry notices: one notice, or the daily digest; each with a one-click
unsubscribe link (RFC 8058) and in the recipient's language."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import ngettext

from veche.notifications.links import unsubscribe_url


def _headers(unsubscribe: str) -> dict:
    return {
        "List-Unsubscribe": f"<{unsubscribe}>",
        # RFC 8058: mail providers POST "List-Unsubscribe=One-Click" to the link above.
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        # RFC 3834: no auto-replies to notices.
        "Auto-Submitted": "auto-generated",
    }


def language_of(user) -> str:
    """The language a person reads notices in."""
    return user.preferred_language or settings.LANGUAGE_CODE


def _context(user, unsubscribe: str) -> dict:
    return {
        "user": user,
        "site_url": settings.SITE_URL,
        "settings_url": settings.SITE_URL + reverse("notifications:settings"),
        "inbox_url": settings.SITE_URL + reverse("notifications:inbox"),
        "unsubscribe_url": unsubscribe,
    }


def notice_email(notification) -> EmailMessage:
    user = notification.user
    unsubscribe = unsubscribe_url(user)
    with translation.override(language_of(user)):
        body = render_to_string(
            "notifications/email/notice.txt",
            _context(user, unsubscribe) | {"notification": notification},
        )
    headers = _headers(unsubscribe) | {"X-Veche-Notification": notification.kind}
    # A title typed by a resident could hold a line break, which a mail header cannot.
    subject = " ".join(notification.title.split())
    return EmailMessage(subject=subject, body=body, to=[user.email], headers=headers)


def digest_email(user, notifications: list) -> EmailMessage:
    unsubscribe = unsubscribe_url(user)
    with translation.override(language_of(user)):
        count = len(notifications)
        subject = ngettext(
            "Veche: %(count)d new notification",
            "Veche: %(count)d new notifications",
            count,
        ) % {"count": count}
        body = render_to_string(
            "notifications/email/digest.txt",
            _context(user, unsubscribe) | {"notifications": notifications},
        )
    headers = _headers(unsubscribe) | {"X-Veche-Notification": "digest"}
    return EmailMessage(subject=subject, body=body, to=[user.email], headers=headers)
