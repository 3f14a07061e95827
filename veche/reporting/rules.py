"""Who may see the e-control dashboard of discussions (django-rules predicates).

- Administrators (`is_staff` or `is_superuser`) see every discussion: they run the platform.
- Heads of an organization see the discussions organized by it and by every organization
  below it, as the cabinet lets them oversee appeals (`veche.cabinet.queries.cabinet_scope`).
- Organizers see the discussions of their own organizations only.
- Officials, moderators and experts without one of these roles, and residents, are refused:
  the dashboard shows drafts and the state of work not yet public.

The rows a person sees are fetched through `veche.reporting.queries.dashboard_scope`, the one
place that turns these roles into organizations.
"""

import rules

from veche.organizations.models import Membership
from veche.organizations.rules import holds_role

# Roles that open the dashboard; a head also sees the organizations below.
DASHBOARD_ROLES = (Membership.Role.HEAD, Membership.Role.ORGANIZER)


@rules.predicate
def is_administrator(user) -> bool:
    return bool(user and user.is_authenticated and (user.is_staff or user.is_superuser))


@rules.predicate
def holds_dashboard_role(user) -> bool:
    return holds_role(user, roles=DASHBOARD_ROLES)


# The cheap check first: `|` stops before the roles are read for administrators.
rules.add_perm("reporting.view_dashboard", is_administrator | holds_dashboard_role)
