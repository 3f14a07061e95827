"""Who may enter the official cabinet and what they may do there (django-rules predicates).

Roles come from `veche.appeals.rules`; the states in which an action makes sense are added here,
so the page offers only what the service would accept. The services check again.
"""

import rules

from veche.appeals.models import Appeal
from veche.appeals.rules import (
    OFFICIAL_ROLES,
    is_head_over,
    is_official_of_addressee,
    may_extend,
    may_lift_control,
)
from veche.appeals.services import CONTROLLABLE
from veche.identity.eligibility import person_facts
from veche.identity.models import Level
from veche.organizations.models import Membership
from veche.organizations.rules import holds_role

Status = Appeal.Status

# Appeals the addressee has received: from dispatch on. Collecting ones are still the residents'.
RECEIVED_STATUSES = (
    Status.SENT,
    Status.REGISTERED,
    Status.ANSWERED,
    Status.CLOSED,
    Status.ESCALATED,
)
AWAITING_ANSWER_STATUSES = (Status.SENT, Status.REGISTERED)


@rules.predicate
def is_cabinet_user(user) -> bool:
    """An official or a head of some organization."""
    return holds_role(user, roles=OFFICIAL_ROLES)


@rules.predicate
def is_head(user) -> bool:
    return holds_role(user, roles=Membership.Role.HEAD)


@rules.predicate
def is_received(_user, appeal) -> bool:
    return appeal.status in RECEIVED_STATUSES


@rules.predicate
def awaits_registration(_user, appeal) -> bool:
    return appeal.status == Status.SENT


@rules.predicate
def is_registered(_user, appeal) -> bool:
    return appeal.status == Status.REGISTERED


@rules.predicate
def awaits_answer(_user, appeal) -> bool:
    return appeal.status in AWAITING_ANSWER_STATUSES


# Who may apply for an organization's cabinet: a person whose identity is confirmed beyond the
# e-mail address (by phone, a census list or an identity provider), so that the administrator who
# reviews the application knows who will head the cabinet.
APPLICANT_MIN_LEVEL = Level.PHONE


@rules.predicate
def is_verified_person(user) -> bool:
    return bool(user and user.is_authenticated and person_facts(user).level >= APPLICANT_MIN_LEVEL)


@rules.predicate
def heads_organization(user, organization) -> bool:
    return holds_role(user, organization, roles=Membership.Role.HEAD)


@rules.predicate
def control_can_be_taken(_user, appeal) -> bool:
    """Control is taken while the appeal is in the addressee's hands."""
    return not appeal.under_control and appeal.status in CONTROLLABLE


@rules.predicate
def is_under_control(_user, appeal) -> bool:
    """Control is lifted at any time, by a head of the organization that took it or above."""
    return appeal.under_control


# Cheap state checks come first: `&` stops before the role checks when they fail.
rules.add_perm("cabinet.enter", is_cabinet_user)
rules.add_perm("cabinet.see_subordinates", is_head)
rules.add_perm("cabinet.view_appeal", is_received & (is_official_of_addressee | is_head_over))
# The co-applicants' private data (59-FZ): the addressee, and heads above it, read-only.
rules.add_perm("cabinet.see_applicants", is_official_of_addressee | is_head_over)
rules.add_perm("cabinet.act_on_appeal", is_official_of_addressee)
rules.add_perm("cabinet.register_appeal", awaits_registration & is_official_of_addressee)
rules.add_perm("cabinet.message_author", is_received & is_official_of_addressee)
rules.add_perm("cabinet.message_signatories", is_received & is_official_of_addressee)
rules.add_perm("cabinet.answer_appeal", is_registered & is_official_of_addressee)
rules.add_perm("cabinet.extend_deadline", is_registered & is_official_of_addressee & may_extend)
rules.add_perm("cabinet.forward_appeal", awaits_answer & is_official_of_addressee)
rules.add_perm(
    "cabinet.take_under_control",
    is_received & ((control_can_be_taken & is_head_over) | (is_under_control & may_lift_control)),
)

# Registering a cabinet, and the head's staff: invitations, members.
rules.add_perm("cabinet.apply_for_cabinet", is_verified_person)
rules.add_perm("cabinet.manage_staff", is_head)
rules.add_perm("cabinet.manage_staff_of", heads_organization)
