"""Problems, appeals, signatures and follows made directly, without the appeal services."""

import itertools

from django.utils import timezone

from tests.factories import make_organization, make_staff, make_territory, make_user
from veche.appeals.models import Appeal, Category, Follow, Problem, Revision, Signature
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


def make_appeal(
    *,
    author=None,
    organization=None,
    status: str = Appeal.Status.COLLECTING,
    title: str = "Broken bench in the park",
    **fields,
) -> Appeal:
    number = next(_sequence)
    author = author or make_user()
    category = Category.objects.create(
        slug=f"category-{number}", name={"ru": "Благоустройство", "en": "Public spaces"}
    )
    problem = Problem.objects.create(
        author=author,
        title=title,
        description="The bench has been broken for a month.",
        category=category,
        territory=make_territory(),
        status=Problem.Status.PUBLISHED,
        published_at=timezone.now(),
    )
    appeal = Appeal.objects.create(
        problem=problem,
        organization=organization or make_organization(),
        status=status,
        signature_threshold=50,
        **fields,
    )
    Revision.objects.create(appeal=appeal, number=1, text="Please repair the bench.", author=author)
    return appeal


def sign(appeal: Appeal, user, *, withdrawn: bool = False) -> Signature:
    return Signature.objects.create(
        appeal=appeal,
        user=user,
        revision=appeal.revisions.order_by("-number").first(),
        full_name=user.email,
        withdrawn_at=timezone.now() if withdrawn else None,
    )


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
