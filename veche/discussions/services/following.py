"""Following a discussion or a territory."""

from veche.discussions.models import (
    Follow,
)


def set_following(*, user, discussion=None, territory=None, follow: bool) -> None:
    target = {"discussion": discussion} if discussion is not None else {"territory": territory}
    if follow:
        Follow.objects.get_or_create(user=user, **target)
    else:
        Follow.objects.filter(user=user, **target).delete()
