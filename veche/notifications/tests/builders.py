"""Readers with a language, follows and notices made directly, without the services."""

import itertools

from tests.factories import make_staff, make_user
from veche.appeals.models import Appeal, Follow
from veche.core import outbox
from veche.core.models import OutboxMessage
from veche.notifications.models import Notification
from veche.notifications.services import EVENT_KIND

_sequence = itertools.count(1)


def person(language: str = "en", *, official_of=None):
    """A resident (or an official of an organization) who reads Veche in the given language."""
    user = make_staff(official_of) if official_of is not None else make_user()
    user.preferred_language = language
    user.save(update_fields=["preferred_language"])
    return user


def follow(appeal: Appeal, user) -> Follow:
    return Follow.objects.create(problem=appeal.problem, user=user)


def make_notification(user, **fields) -> Notification:
    number = next(_sequence)
    fields.setdefault("kind", "appeal_registered")
    fields.setdefault("title", f"Notice {number}")
    fields.setdefault("body", f"Text of notice {number}")
    fields.setdefault("url", f"/problems/{number}/")
    return Notification.objects.create(user=user, **fields)


def deliver_events() -> list[str]:
    """What the outbox's worker does with the events announced so far: makes their notices."""
    waiting = OutboxMessage.objects.filter(kind=EVENT_KIND, state=OutboxMessage.State.PENDING)
    return [outbox.deliver(pk) for pk in waiting.order_by("id").values_list("pk", flat=True)]
