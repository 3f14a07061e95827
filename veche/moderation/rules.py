"""Who may moderate content (django-rules predicates).

- Moderators (a `moderator` membership in any organization) hide, restore and dismiss: the
  platform's moderators are named by an organization, as its officials are.
- Superusers may too: they run the platform.
- Residents, officials and organizers without the role may only report.
"""

import rules

from veche.organizations.models import Membership


@rules.predicate
def is_superuser(user) -> bool:
    return bool(user and user.is_authenticated and user.is_superuser)


@rules.predicate
def holds_moderator_role(user) -> bool:
    return bool(
        user
        and user.is_authenticated
        and Membership.objects.filter(user=user, role=Membership.Role.MODERATOR).exists()
    )


# The cheap check first: `|` stops before the membership query for superusers.
rules.add_perm("moderation.moderate", is_superuser | holds_moderator_role)
