"""Who may enter the official cabinet and what they may do there (django-rules predicates).

Roles come from `veche.appeals.rules`; the states in which an action makes sense are added here,
so the page offers only what the service would accept. The services check again.
"""

import rules

from veche.appeals.models import Appeal
from veche.appeals.rules import OFFICIAL_ROLES, is_head_over, is_official_of_addressee
from veche.organizations.models import Membership

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


def _once_per_page(predicate):
    """The same role check, asked by each form on a page, answered from the database once: the
    answer is kept on the appeal object, which lives for one request."""

    @rules.predicate(name=predicate.name)
    def check(user, appeal) -> bool:
        answers = appeal.__dict__.setdefault("_cabinet_role_checks", {})
        key = (predicate.name, getattr(user, "pk", None))
        if key not in answers:
            answers[key] = predicate.test(user, appeal)
        return answers[key]

    return check


acts_for_addressee = _once_per_page(is_official_of_addressee)
heads_over = _once_per_page(is_head_over)


@rules.predicate
def is_cabinet_user(user) -> bool:
    """An official or a head of some organization."""
    return bool(
        user
        and user.is_authenticated
        and Membership.objects.filter(user=user, role__in=OFFICIAL_ROLES).exists()
    )


@rules.predicate
def is_head(user) -> bool:
    return bool(
        user
        and user.is_authenticated
        and Membership.objects.filter(user=user, role=Membership.Role.HEAD).exists()
    )


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


@rules.predicate
def is_extended(_user, appeal) -> bool:
    return appeal.extended


# Cheap state checks come first: `&` stops before the membership queries when they fail.
rules.add_perm("cabinet.enter", is_cabinet_user)
rules.add_perm("cabinet.see_subordinates", is_head)
rules.add_perm("cabinet.view_appeal", is_received & (acts_for_addressee | heads_over))
# The co-applicants' private data (59-FZ): the addressee, and heads above it, read-only.
rules.add_perm("cabinet.see_applicants", acts_for_addressee | heads_over)
rules.add_perm("cabinet.act_on_appeal", acts_for_addressee)
rules.add_perm("cabinet.register_appeal", awaits_registration & acts_for_addressee)
rules.add_perm("cabinet.message_author", is_received & acts_for_addressee)
rules.add_perm("cabinet.answer_appeal", is_registered & acts_for_addressee)
rules.add_perm("cabinet.extend_deadline", is_registered & ~is_extended & acts_for_addressee)
rules.add_perm("cabinet.forward_appeal", awaits_answer & acts_for_addressee)
rules.add_perm("cabinet.take_under_control", is_received & heads_over)
