"""Who may do what with problems and appeals (django-rules predicates, adhocracy4's way)."""

import rules

from veche.appeals.models import UNPUBLISHED, Answer, ControlPeriod, Problem, Signature
from veche.appeals.policy import extension_refused
from veche.moderation.rules import is_moderator
from veche.organizations.models import Membership
from veche.organizations.rules import holds_role, holds_role_over, organizations_where

OFFICIAL_ROLES = (Membership.Role.OFFICIAL, Membership.Role.HEAD)


@rules.predicate
def is_author(user, appeal) -> bool:
    return bool(user and user.is_authenticated and appeal.problem.author_id == user.pk)


@rules.predicate
def is_signatory(user, appeal) -> bool:
    return bool(
        user
        and user.is_authenticated
        and Signature.objects.filter(appeal=appeal, user=user, withdrawn_at__isnull=True).exists()
    )


@rules.predicate
def signed_what_was_sent(user, appeal) -> bool:
    """A signature that counts (`Signature.objects.counted()`): one awaiting its signatory's
    confirmation of a text changed since never went to the addressee, and does not rate the
    answer to it."""
    return bool(
        user
        and user.is_authenticated
        and Signature.objects.counted().filter(appeal=appeal, user=user).exists()
    )


@rules.predicate
def sends_it_himself(user, appeal) -> bool:
    """The author chose to take the appeal to the addressee himself (on paper, by post)."""
    return bool(appeal.sent_by_author) and is_author.test(user, appeal)


@rules.predicate
def is_official_of_addressee(user, appeal) -> bool:
    return holds_role(user, appeal.organization_id, roles=OFFICIAL_ROLES)


@rules.predicate
def is_head_over(user, appeal) -> bool:
    """A head of the addressee or of any organization above it."""
    return holds_role_over(user, appeal.organization, roles=Membership.Role.HEAD)


@rules.predicate
def works_for_addressee(user, appeal) -> bool:
    """Staff of the addressee or of an organization above it, in any role: they do not rate
    their own organization's answer (and ratings they gave anyway do not count,
    `veche.appeals.ratings.counted_ratings`)."""
    return holds_role_over(user, appeal.organization, roles=Membership.Role.values)


def extended_by_addressee(appeal) -> bool:
    """Whether the addressee already extended the deadline since the appeal reached it: a
    forwarding hands the new addressee a fresh appeal, with its own one extension."""
    since = (
        Answer.objects.filter(appeal=appeal, kind=Answer.Kind.FORWARDING)
        .order_by("-pk")
        .values_list("pk", flat=True)
        .first()
    )
    return Answer.objects.filter(
        appeal=appeal, kind=Answer.Kind.EXTENSION, pk__gt=since or 0
    ).exists()


@rules.predicate
def may_extend(_user, appeal) -> bool:
    """The deadline is extended once, and only while it has not passed: an organization already
    late cannot extend itself out of being late (`policy.extension_refused` says why not)."""
    return extension_refused(appeal, extended_by_addressee(appeal)) is None


def controlling_organization(appeal):
    """The organization whose head holds the appeal under control now (the open period's), or
    the addressee for control taken before periods were kept."""
    period = (
        ControlPeriod.objects.filter(appeal=appeal, lifted_at__isnull=True)
        .select_related("organization__parent")
        .first()
    )
    return period.organization if period is not None else appeal.organization


@rules.predicate
def may_lift_control(user, appeal) -> bool:
    """Control is lifted by a head of the organization that took it, or of one above it: the
    addressee's own head does not end the control a superior put on it."""
    return holds_role_over(user, controlling_organization(appeal), roles=Membership.Role.HEAD)


def problem_is_public(problem) -> bool:
    """The same line `queries.public_problems` draws: everything but drafts, problems held for
    pre-moderation or refused there, and what a moderator hid is public."""
    return problem.status not in UNPUBLISHED and problem.hidden_at is None


@rules.predicate
def may_see_problem(user, problem) -> bool:
    """Anyone sees a public problem, and its photos; only the author sees a draft."""
    return problem_is_public(problem) or bool(
        user and user.is_authenticated and problem.author_id == user.pk
    )


@rules.predicate
def wrote_problem(user, problem) -> bool:
    return bool(user and user.is_authenticated and problem.author_id == user.pk)


@rules.predicate
def may_see_answer(user, answer) -> bool:
    """An answer, and its attachments, follow the problem's visibility; officials of the
    organization that gave it see it whatever becomes of the problem."""
    return may_see_problem.test(user, answer.appeal.problem) or holds_role(
        user, answer.organization_id, roles=OFFICIAL_ROLES
    )


def take_up_organizations(user, problem) -> set[int]:
    """Ids of the organizations in whose name this person may take the problem up publicly:
    those where they are a head or an official, but not the addressee of the problem's appeal
    (an organization does not support an appeal to itself)."""
    where = organizations_where(user, roles=OFFICIAL_ROLES)
    if not where or problem.current_appeal_id is None:
        return set()
    return where - {problem.current_appeal.organization_id}


@rules.predicate
def may_take_up(user, problem) -> bool:
    """A head or an official of another organization than the addressee, while the problem is
    public and open (a solved or hidden problem needs no support)."""
    return (
        problem.status == Problem.Status.PUBLISHED
        and problem.hidden_at is None
        and bool(take_up_organizations(user, problem))
    )


rules.add_perm("appeals.view_problem", may_see_problem)
rules.add_perm("appeals.view_answer", may_see_answer)
# A problem held for pre-moderation, or refused there: its author, and the moderators who
# decide it.
rules.add_perm("appeals.view_unpublished_problem", wrote_problem | is_moderator)
# The author's: the text and proposed edits to it, sending, closing, escalating.
rules.add_perm("appeals.edit_appeal", is_author)
rules.add_perm("appeals.send_appeal", is_author)
rules.add_perm("appeals.close_appeal", is_author)
rules.add_perm("appeals.escalate_appeal", is_author)
# The signatories': proposing edits to the text and rating the final answer.
rules.add_perm("appeals.propose_edit", is_signatory)
# Not staff of the addressee or above it, even when they signed: they would rate themselves.
rules.add_perm("appeals.rate_answer", signed_what_was_sent & ~works_for_addressee)
# The addressee's: registering, answering, forwarding; the co-applicants' data (59-FZ).
rules.add_perm("appeals.act_as_addressee", is_official_of_addressee)
rules.add_perm("appeals.extend_deadline", is_official_of_addressee & may_extend)
rules.add_perm("appeals.see_signatories_data", is_official_of_addressee)
# The addressee's full copy, with the co-applicants' names and addresses: its officials, and the
# author who chose to send the appeal himself and hands that copy to the addressee.
rules.add_perm("appeals.take_full_copy", is_official_of_addressee | sends_it_himself)
# The author and the addressee write to each other; the addressee writes to all signatories;
# heads of the addressee and above it take control.
rules.add_perm("appeals.correspond", is_author | is_official_of_addressee)
rules.add_perm("appeals.message_signatories", is_official_of_addressee)
rules.add_perm("appeals.take_under_control", is_head_over)
rules.add_perm("appeals.lift_control", may_lift_control)
# Other organizations' heads and officials support a problem publicly with a letter.
rules.add_perm("appeals.take_up_problem", may_take_up)


# Moderators watch where signatures come from and invalidate those that are not genuine.
rules.add_perm("appeals.watch_signing", is_moderator)
rules.add_perm("appeals.invalidate_signatures", is_moderator)
