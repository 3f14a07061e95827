"""Who may moderate content (django-rules predicates).

- Moderators (a `moderator` membership in any organization) hide, restore and dismiss: the
  platform's moderators are named by an organization, as its officials are.
- Superusers may too: they run the platform.
- Nobody is judge of their own content: asked about an item, `moderation.moderate` refuses its
  author, moderator or administrator alike, so that what they wrote is decided by another
  moderator, as a resident's is.
- The author of content a decision was taken against contests it, once; a second moderator,
  never the one who took the decision nor the author, decides the contest.
- Residents, officials and organizers without the role may only report.
"""

import rules

from veche.moderation import registry
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


@rules.predicate
def wrote_the_item(user, item) -> bool:
    """The author of an item of a registered kind, as its kind names them. Asked without an item
    (may this person moderate at all?), nobody is."""
    if item is None or not (user and user.is_authenticated):
        return False
    kind = registry.kind_of(item)
    author = kind.author(item) if kind is not None else None
    return author is not None and author.pk == user.pk


# Asked without an item: may the person open the workspace; with one: may they decide about it.
rules.add_perm("moderation.moderate", is_moderator & ~wrote_the_item)


@rules.predicate
def is_author_of_decision(user, decision) -> bool:
    """The person a decision was taken against: they may contest it."""
    return bool(user and user.is_authenticated and decision.author_id == user.pk)


@rules.predicate
def took_the_decision(user, contest) -> bool:
    return bool(user and user.is_authenticated and contest.decision.moderator_id == user.pk)


@rules.predicate
def contested_it(user, contest) -> bool:
    """The author who contests, or the one the decision was taken against (the same person):
    a moderator does not decide an objection about their own content."""
    return bool(
        user
        and user.is_authenticated
        and user.pk in (contest.author_id, contest.decision.author_id)
    )


rules.add_perm("moderation.contest_decision", is_author_of_decision)
# A contest is decided by a second moderator: never the one whose decision it is, nor the author
# the decision was taken against.
rules.add_perm("moderation.decide_contest", is_moderator & ~took_the_decision & ~contested_it)
