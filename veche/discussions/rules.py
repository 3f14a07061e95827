"""Who may do what with a discussion (django-rules predicates)."""

import rules

from veche.organizations.models import Membership

ORGANIZER_ROLES = (Membership.Role.ORGANIZER, Membership.Role.HEAD)
# Officials of the organizer register paper submissions on a participant's behalf.
REGISTRAR_ROLES = (*ORGANIZER_ROLES, Membership.Role.OFFICIAL)


def _member(user, organization_id, roles) -> bool:
    return bool(
        user
        and user.is_authenticated
        and Membership.objects.filter(
            user=user, organization_id=organization_id, role__in=roles
        ).exists()
    )


@rules.predicate
def is_organizer(user, discussion) -> bool:
    return _member(user, discussion.organizer_id, ORGANIZER_ROLES)


@rules.predicate
def is_registrar(user, discussion) -> bool:
    return _member(user, discussion.organizer_id, REGISTRAR_ROLES)


@rules.predicate
def is_expert(user, discussion) -> bool:
    return bool(user and user.is_authenticated and discussion.experts.filter(pk=user.pk).exists())


@rules.predicate
def organizes_anywhere(user) -> bool:
    return bool(
        user
        and user.is_authenticated
        and Membership.objects.filter(user=user, role__in=ORGANIZER_ROLES).exists()
    )


def may_organize_for(user, organization) -> bool:
    return _member(user, organization.pk, ORGANIZER_ROLES)


rules.add_perm("discussions.organize", organizes_anywhere)
rules.add_perm("discussions.manage_discussion", is_organizer)
rules.add_perm("discussions.register_submission", is_registrar)
rules.add_perm("discussions.answer_question", is_expert | is_organizer)
