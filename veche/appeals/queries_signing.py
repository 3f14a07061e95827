"""What signing reads: the problem, its current appeal and revision, and the requirement of
signing it, kept in the shared cache for every signature of a surge. Part of the appeals app's
queries (`queries.py` re-exports it), kept apart to hold each file to its sections."""

from django.db.models import OuterRef, Subquery
from django.db.models.signals import post_delete, post_save
from django.shortcuts import get_object_or_404

from veche.appeals.models import UNPUBLISHED, Appeal, Problem, Revision
from veche.core.stamped import Read, move_on, stamped
from veche.identity.eligibility import RULES_VERSION_KEY, requirement_of, rule_for
from veche.identity.models import EligibilityRule

# Every signature of a surge reads its problem, the appeal and the current revision: they are kept
# in the shared cache, stamped with a version of the problem's that every save of the problem or
# of one of its appeals and every new revision moves on, so a new text applies to the next
# signature. What may change without a save is decided again where it matters: the signing's
# UPDATE checks the appeal's status and the moderator's hiding in the database, and the count
# shown comes from it (`services.signing`).
SIGNING_SECONDS = 5


def problem_to_sign(pk: int, *, fresh: bool = False) -> Problem:
    """A published problem with its current appeal and that appeal's current revision: what
    signing needs, and no more joins. A hidden one too, so that signing it is refused with the
    moderator's ground, not a 404, and that its signatories may still withdraw or confirm their
    signatures. From the shared cache unless `fresh`, and then with the requirement of signing
    the appeal kept with it (`sign_requirement`, stamped with the rules' version too), so that a
    signature reads both in one round trip."""
    if fresh:
        return _problem_to_sign(pk)
    key, version_key = to_sign_read(pk)
    return stamped(
        key,
        version_key,
        lambda: _with_requirement(_problem_to_sign(pk)),
        shared_seconds=SIGNING_SECONDS,
    )


def to_sign_read(pk: int) -> Read:
    """What `problem_to_sign` reads from the shared cache, for a request to read it ahead."""
    return Read(f"appeals:to-sign:{pk}", (_signing_version_key(pk), RULES_VERSION_KEY))


def _with_requirement(problem: Problem) -> Problem:
    appeal = problem.current_appeal
    appeal.sign_requirement = requirement_of(rule_for(EligibilityRule.Action.SIGN, appeal))
    return problem


def _problem_to_sign(pk: int) -> Problem:
    current = Revision.objects.filter(appeal_id=OuterRef("current_appeal_id")).order_by("-number")
    problem = get_object_or_404(
        Problem.objects.exclude(status__in=UNPUBLISHED)
        .select_related("current_appeal")
        .filter(current_appeal__isnull=False)
        .annotate(
            revision_id=Subquery(current.values("id")[:1]),
            revision_number=Subquery(current.values("number")[:1]),
        ),
        pk=pk,
    )
    if problem.revision_id is not None:
        # What `Appeal.current_revision` gives until the appeal is read again.
        problem.current_appeal.__dict__["_current_revision"] = Revision.from_db(
            None,
            ["id", "appeal_id", "number"],
            [problem.revision_id, problem.current_appeal_id, problem.revision_number],
        )
    return problem


def _signing_version_key(problem_id: int) -> str:
    return f"appeals:to-sign-version:{problem_id}"


def forget_problem_to_sign(problem_id: int) -> None:
    """For a change the signals below do not see (a queryset's `update`)."""
    move_on(_signing_version_key(problem_id))


def _signing_changed(sender, instance, **kwargs) -> None:
    if sender is Problem:
        problem_id = instance.pk
    elif sender is Appeal:
        problem_id = instance.problem_id
    else:
        problem_id = (
            Appeal.objects.filter(pk=instance.appeal_id)
            .values_list("problem_id", flat=True)
            .first()
        )
    if problem_id is not None:
        forget_problem_to_sign(problem_id)


for _model in (Problem, Appeal, Revision):
    for _signal in (post_save, post_delete):
        _signal.connect(_signing_changed, sender=_model, weak=False)
