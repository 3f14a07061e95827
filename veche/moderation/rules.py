"""Who may moderate content (django-rules predicates).

- Moderators (a `moderator` membership in any organization) hide, restore and dismiss: the
  platform's moderators are named by an organization, as its officials are.
- Superusers may too: they run the platform.
- The author of content a decision was taken against contests it, once; a second moderator,
  never the one who took the decision, decides the contest.
- Residents, officials and organizers without the role may only report.
"""

import rules

from veche.organizations.models import Membership
from veche.organizations.rules import holds_role


@rules.predicate
def is_moderator(user) -> bool:
    """A moderator of any organization, or an administrator."""
    return bool(
        user
        and user.is_authenticated
        and (user.is_superuser or holds_role(user, roles=Membership.Role.MODERATOR))
    )


rules.add_perm("moderation.moderate", is_moderator)


@rules.predicate
def is_author_of_decision(user, decision) -> bool:
    """The person a decision was taken against: they may contest it."""
    return bool(user and user.is_authenticated and decision.author_id == user.pk)


@rules.predicate
def took_the_decision(user, contest) -> bool:
    return bool(user and user.is_authenticated and contest.decision.moderator_id == user.pk)


rules.add_perm("moderation.contest_decision", is_author_of_decision)
# A contest is decided by a second moderator: never the one whose decision it is.
rules.add_perm("moderation.decide_contest", is_moderator & ~took_the_decision)
