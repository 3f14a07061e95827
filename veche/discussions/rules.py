"""Who may do what with a discussion (django-rules predicates)."""

import rules

from veche.organizations.models import Membership
from veche.organizations.rules import holds_role

ORGANIZER_ROLES = (Membership.Role.ORGANIZER, Membership.Role.HEAD)
# Officials of the organizer register paper submissions on a participant's behalf.
REGISTRAR_ROLES = (*ORGANIZER_ROLES, Membership.Role.OFFICIAL)


@rules.predicate
def is_organizer(user, discussion) -> bool:
    return holds_role(user, discussion.organizer_id, roles=ORGANIZER_ROLES)


@rules.predicate
def is_registrar(user, discussion) -> bool:
    return holds_role(user, discussion.organizer_id, roles=REGISTRAR_ROLES)


@rules.predicate
def is_expert(user, discussion) -> bool:
    return bool(user and user.is_authenticated and discussion.experts.filter(pk=user.pk).exists())


@rules.predicate
def organizes_anywhere(user) -> bool:
    return holds_role(user, roles=ORGANIZER_ROLES)


@rules.predicate
def organizes_for(user, organization) -> bool:
    return holds_role(user, organization, roles=ORGANIZER_ROLES)


@rules.predicate
def is_applicant(user, application) -> bool:
    return bool(user and user.is_authenticated and application.applicant_id == user.pk)


@rules.predicate
def organizes_for_addressee(user, application) -> bool:
    """An organizer of the authority an application asks for a discussion."""
    return holds_role(user, application.organization_id, roles=ORGANIZER_ROLES)


rules.add_perm("discussions.organize", organizes_anywhere)
# Putting a project forward on an organization's behalf.
rules.add_perm("discussions.organize_for", organizes_for)
rules.add_perm("discussions.view_application", is_applicant | organizes_for_addressee)
rules.add_perm("discussions.decide_application", organizes_for_addressee)
rules.add_perm("discussions.manage_discussion", is_organizer)
rules.add_perm("discussions.register_submission", is_registrar)
rules.add_perm("discussions.answer_question", is_expert | is_organizer)


@rules.predicate
def holds_broadcast_permission(user) -> bool:
    """Staff an administrator granted the model permission (a staff flag alone grants nothing),
    as with the embedding sites."""
    return bool(
        user
        and user.is_authenticated
        and user.is_active
        and user.is_staff
        and user.has_perm("discussions.change_broadcastorigin")
    )


# The sites whose broadcasts hearings' pages may embed.
rules.add_perm("discussions.manage_broadcast_origins", holds_broadcast_permission)
