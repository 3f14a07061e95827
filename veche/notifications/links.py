"""The unsubscribe link of notice e-mails: made for each e-mail, read by the unsubscribe page.

Below both `emails` and `services`, so that each can use it without importing the other back.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

UNSUBSCRIBE_SALT = "veche.notifications.unsubscribe"


class InvalidUnsubscribeLink(ValidationError):
    def __init__(self):
        super().__init__(
            _(
                "This unsubscribe link is not valid: it may have been cut or changed. "
                "Open the link from the e-mail again, or sign in and choose in your "
                "notification settings."
            )
        )


def unsubscribe_token(user) -> str:
    """A link that turns the person's e-mail off; it does not expire, as old e-mails live on."""
    return signing.dumps({"user": user.pk}, salt=UNSUBSCRIBE_SALT)


def unsubscribe_url(user) -> str:
    return settings.SITE_URL + reverse("notifications:unsubscribe", args=[unsubscribe_token(user)])


def user_for_unsubscribe_token(token: str):
    try:
        user_id = signing.loads(token, salt=UNSUBSCRIBE_SALT)["user"]
    except (signing.BadSignature, KeyError, TypeError):
        raise InvalidUnsubscribeLink from None
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        raise InvalidUnsubscribeLink
    return user
