"""Who may moderate content (django-rules predicates).

- Moderators (a `moderator` membership in any organization) hide, restore and dismiss: the
  platform's moderators are named by an organization, as its officials are.
- Superusers may too: they run the platform.
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
