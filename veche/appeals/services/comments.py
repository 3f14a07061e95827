"""Discussion and following: comments on a problem and following it."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from veche.appeals.models import (
    Comment,
    Follow,
    Problem,
)
from veche.appeals.participants import number_of
from veche.core import ratelimits
from veche.core.audit import record_event
from veche.identity.eligibility import person_facts
from veche.moderation.blocks import refuse_if_blocked


@transaction.atomic
def add_comment(*, author, problem: Problem, text: str, parent: Comment | None = None) -> Comment:
    if not author.is_authenticated:
        raise PermissionDenied(_("Sign in to comment."))
    if person_facts(author).level < 10:
        raise PermissionDenied(_("Confirm your e-mail address to comment."))
    refuse_if_blocked(author)
    ratelimits.spend("comment", author)
    if not text.strip():
        raise ValidationError(_("Write a comment."))
    if parent is not None and parent.problem_id != problem.pk:
        raise ValidationError(_("You can only reply to a comment on this problem."))
    number_of(problem.pk, author.pk)
    comment = Comment.objects.create(
        problem=problem, author=author, text=text.strip(), parent=parent
    )
    record_event(
        actor=author, action="problem.commented", target=problem, data={"comment": comment.pk}
    )
    return comment


@transaction.atomic
def set_following(*, user, problem: Problem, follow: bool) -> None:
    if follow:
        Follow.objects.get_or_create(problem=problem, user=user)
    else:
        Follow.objects.filter(problem=problem, user=user).delete()
