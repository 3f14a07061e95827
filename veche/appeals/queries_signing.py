"""What signing reads: the problem, its current appeal and revision, and the requirement of
signing it, kept in the shared cache for every signature of a surge; and a signed-in reader's
own standing (their signature and follow), which the problem page reads for the signing panel.
Part of the appeals app's queries (`queries.py` re-exports it), kept apart to hold each file
to its sections."""

from django.db import connection
from django.db.models import OuterRef, Subquery
from django.db.models.signals import post_delete, post_save
from django.shortcuts import get_object_or_404
from django.utils.translation import get_language

from veche.appeals.models import UNPUBLISHED, Appeal, Follow, Problem, Revision, Signature
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
    """What `problem_to_sign` reads from the shared cache, for a request to read it ahead: one
    copy per language, since the requirement names territories in the reader's."""
    return Read(
        f"appeals:to-sign:{pk}:{get_language()}", (_signing_version_key(pk), RULES_VERSION_KEY)
    )


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
        problem.current_appeal.__dict__["_current_revision"] = _partial(
            Revision,
            id=problem.revision_id,
            appeal_id=problem.current_appeal_id,
            number=problem.revision_number,
        )
    return problem


def reader_standing(user_id: int, appeal, revisions) -> tuple[Signature | None, bool]:
    """A signed-in reader's own active signature of `appeal` (its revision taken from the
    appeal's `revisions`) and whether they follow its problem. One query of plain SQL: every
    signed-in reader's page asks both, and the ORM's building of two queries cost more than
    the rest of what the page reads for the person. The signature holds only what the signing
    panel shows; any other field is read from the database when asked for."""
    quote = connection.ops.quote_name
    follows, signatures = quote(Follow._meta.db_table), quote(Signature._meta.db_table)
    sql = (
        "SELECT s.id, s.revision_id, s.after_dispatch, s.supplementary_list_id, EXISTS ("  # noqa: S608 (our names)
        f"SELECT 1 FROM {follows} WHERE problem_id = %s AND user_id = %s"
        f") FROM (SELECT 1) AS one LEFT JOIN {signatures} AS s"
        " ON s.appeal_id = %s AND s.user_id = %s AND s.withdrawn_at IS NULL"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [appeal.problem_id, user_id, appeal.pk, user_id])
        signature_id, revision_id, after_dispatch, list_id, following = cursor.fetchone()
    if signature_id is None:
        return None, bool(following)
    signature = _partial(
        Signature,
        id=signature_id,
        appeal_id=appeal.pk,
        user_id=user_id,
        revision_id=revision_id,
        after_dispatch=bool(after_dispatch),
        supplementary_list_id=list_id,
    )
    signature.appeal = appeal
    revision = next((r for r in revisions if r.pk == revision_id), None)
    if revision is not None:  # else read when asked for
        signature.revision = revision
    return signature, bool(following)


def _partial(model, **values):
    """An instance of `model` as read from the database with only these fields (by attribute
    name); any other is read when asked for. `from_db` takes the values in the model's order."""
    names = [f.attname for f in model._meta.concrete_fields if f.attname in values]
    return model.from_db(connection.alias, names, [values[name] for name in names])


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
