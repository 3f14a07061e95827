"""What the tests of a hearing's meeting share: a hearing whose meeting is on now (or over)."""

import datetime

from django.contrib.auth.models import Permission
from django.utils import timezone

from tests.factories import make_discussion, make_user
from veche.discussions.models import Discussion

BROADCAST = "https://video.example.ru/embed/hearing-12"
REMARK = "Прошу сохранить сквер у школы при реконструкции квартала."


def hearing(*, started_minutes_ago: int = 10, **options) -> Discussion:
    """A hearing during its intake whose meeting began `started_minutes_ago` (negative: later)."""
    discussion = make_discussion(kind="hearing", **options)
    start = timezone.now() - datetime.timedelta(minutes=started_minutes_ago)
    Discussion.objects.filter(pk=discussion.pk).update(
        meeting_at=start, meeting_length=60, meeting_place="Актовый зал администрации"
    )
    discussion.refresh_from_db()
    return discussion


def broadcast_operator():
    person = make_user(is_staff=True)
    person.user_permissions.add(Permission.objects.get(codename="change_broadcastorigin"))
    return type(person).objects.get(pk=person.pk)  # permissions are cached on the instance


def organizer_of(discussion: Discussion):
    return discussion.created_by
