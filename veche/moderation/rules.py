"""Who moderates content: hides and restores what was complained about (django-rules)."""

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
