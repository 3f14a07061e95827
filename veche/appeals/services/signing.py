"""Signing an appeal, withdrawing a signature, confirming it."""

import contextlib

import psycopg
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import (
    DataError,
    IntegrityError,
    NotSupportedError,
    ProgrammingError,
    transaction,
)
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from veche.appeals.models import (
    SUPPLEMENTED_STATUSES,
    Appeal,
    Follow,
    Problem,
    Signature,
    SupplementaryList,
)
from veche.appeals.participants import number_of, numbering_parts
from veche.core import ratelimits
from veche.core.audit import new_event, record_event
from veche.core.models import AuditEvent
from veche.core.rows import row_of
from veche.identity.eligibility import (
    check_eligibility,
    prefetch_verifications,
    verifications_of,
)
from veche.identity.models import EligibilityRule
from veche.identity.queries import verified_name
from veche.moderation.models import ground_label

from ._common import Status, _lock, _refuse_unless, _require_status
from .dispatch import _dispatch
from .supplementary import list_is_due, make_supplementary_list


def _snapshot(user) -> dict:
    """What the addressee gets about a co-applicant, taken from the verified identity."""
    verifications = sorted(
        (v for v in verifications_of(user) if v.revoked_at is None),
        key=lambda v: (v.level, v.verified_at),
        reverse=True,
    )
    address = verifications[0].address if verifications else ""
    return {
        # The verified name, never the profile's, which the person may edit at will.
        "full_name": verified_name(user, verifications=verifications)
        or user.full_name
        or user.email,
        "postal_address": address,
        "email": user.email,
    }


# Statuses in which an appeal takes signatures: collecting, and, once sent, until the final
# answer (those signatures reach the addressee in supplementary lists). An appeal the author
# took to the addressee himself takes none after he sent it (`Appeal.takes_signatures`).
SIGNABLE = (Status.COLLECTING, *SUPPLEMENTED_STATUSES)


def _new_signature(user, appeal: Appeal, decision) -> Signature:
    return Signature(
        appeal=appeal,
        user=user,
        revision=appeal.current_revision,
        basis=decision.basis,
        source=ratelimits.current_network(),
        **_snapshot(user),
    )


# What the one-statement signature raises to undo itself (division by zero): the appeal turned
# out not to take it that way.
_UNDONE = "22012"


def _sign_at_once(user, appeal: Appeal, decision) -> Signature | None:
    """The signature of a surge, on PostgreSQL, while the appeal collects below its threshold:
    the person's number, the signature, the follow, the event and the count in one statement
    that is its own transaction (no BEGIN and COMMIT to send), outside any caller's
    transaction. The statement counts only on an appeal still collecting and short of its
    threshold after this signature; otherwise it undoes itself and None is returned, as it is
    when the appeal kept for signing is not such an appeal or a transaction is open: the caller
    then signs the long way (`_add_signature`), which dispatches, or refuses, under the
    appeal's lock."""
    connection = transaction.get_connection()
    if (
        connection.vendor != "postgresql"
        # Inside a caller's transaction its locks would be held to that transaction's end: the
        # appeal's row, then the number's counter, while another such transaction taking the
        # long way holds the counter (numbered first) and waits for the appeal's row.
        or connection.in_atomic_block
        or appeal.status != Status.COLLECTING
        or appeal.signature_count + 1 >= appeal.signature_threshold
    ):
        return None
    signature = _new_signature(user, appeal, decision)
    try:
        row = _insert_at_once(signature, user, appeal, at_once=True)
    except DataError as error:
        if getattr(error.__cause__, "sqlstate", None) != _UNDONE:
            raise
        return None
    _counted(appeal, signature, row)
    return signature


def _add_signature(user, appeal: Appeal, decision) -> Signature:
    """Record an eligible person's signature. What may be read without a lock is read first:
    the signature row is the one write that may fail (the unique constraint: "already signed",
    IntegrityError, for the caller), and the appeal's counter is updated last, so that its
    row stays locked only for the commit that follows (README, "Design decisions")."""
    signature = _new_signature(user, appeal, decision)
    revision = signature.revision
    with transaction.atomic():
        if transaction.get_connection().vendor == "postgresql":
            row = _insert_at_once(signature, user, appeal)
        else:
            # SQLite: the transaction holds the database's write lock from its start
            # (IMMEDIATE), so no erasure commits between this check and the insert.
            _refuse_if_erased(user)
            signature.save(force_insert=True)
            Follow.objects.bulk_create(
                [Follow(problem_id=appeal.problem_id, user=user)], ignore_conflicts=True
            )
            record_event(
                actor=user,
                action="appeal.signed",
                target=appeal,
                data={"signature": signature.pk, "revision": revision.number},
            )
            row = _count(appeal, revision.number)
        _counted(appeal, signature, row)
    return signature


# The writes of a signature, in the order the ORM path sends them: the signature, the follow,
# the audit event, the count, whose UPDATE takes the appeal's row lock. PostgreSQL runs the
# parts of a WITH as the query asks for their rows, in no promised order: the count's condition
# asks for the event's and the follow's (InitPlans, run before the appeal's row is locked), so
# the lock is taken last and held only for the commit, as in the ORM path. The signature is
# inserted only for an account still active, whose row it locks first (as its foreign key
# would, at the statement's end): an erasure holds that row from its start to its commit, so a
# signature racing it waits, then finds the account erased and inserts nothing, and the two
# take the account's and the appeal's rows in the same order.
_STATEMENT = """
WITH signature AS (
    INSERT INTO {signatures} ({signature_columns}) SELECT {signature_marks}
    WHERE EXISTS (SELECT 1 FROM {accounts} WHERE id = %s AND is_active FOR KEY SHARE)
    ON CONFLICT DO NOTHING RETURNING id
), follow AS (
    INSERT INTO {follows} ({follow_columns}) SELECT {follow_marks} FROM signature
    ON CONFLICT DO NOTHING RETURNING 1
), event AS (
    INSERT INTO {events} ({event_columns}) SELECT {event_marks} FROM signature RETURNING 1
), counted AS ({count}){numbering}
SELECT signature.id, counted.*{undo} FROM signature LEFT JOIN counted ON TRUE
"""
# The count's condition: the event exists only if the signature was inserted.
_AFTER_THE_OTHERS = (
    "AND EXISTS (SELECT 1 FROM event) AND (SELECT count(*) FROM follow) IS NOT NULL "
)
# The signature at once (`_sign_at_once`): counted only while collecting and short of the
# threshold; the person's number given after the count, so that its counter's row is locked
# after the appeal's, as a proposed edit takes them (it numbers its author under the appeal's
# lock), and the statement undone by a division by zero when the
# signature was inserted but not counted.
_SHORT_OF_THE_THRESHOLD = "AND status = %s AND signature_count + 1 < signature_threshold "
_UNDO_UNLESS_COUNTED = ", 1 / (counted.signature_count IS NOT NULL)::int"


def _insert_at_once(signature: Signature, user, appeal: Appeal, *, at_once: bool = False):
    """On PostgreSQL the four writes of a signature go in one statement, one round trip rather
    than four and none of the ORM's inserts, for the surge of a viral appeal. The signature's
    row is inserted unless the person already has one (`one_active_signature_per_person`);
    the rest follow only if it was. Returns the count's row, or raises as the ORM path does.
    `at_once`: the statement that is its own transaction (`_sign_at_once`), which also numbers
    the person and undoes itself unless it counted."""
    event = new_event(
        actor=user,
        action="appeal.signed",
        target=appeal,
        data={"signature": None, "revision": signature.revision.number},
    )
    follow = Follow(problem_id=appeal.problem_id, user=user)
    parts, values = {}, []
    for name, obj, expressions in (
        # Typed: a SELECT's values, unlike an INSERT's VALUES, are not typed by their columns.
        ("signature", signature, _typed(signature)),
        ("follow", follow, {}),
        # The signature's id, known only once inserted, goes in the event's data.
        ("event", event, {"data": "jsonb_set(%s::jsonb, '{signature}', to_jsonb(signature.id))"}),
    ):
        columns, marks, row_values = row_of(obj, **expressions)
        parts[f"{name}_columns"], parts[f"{name}_marks"] = ", ".join(columns), ", ".join(marks)
        values += row_values
        if name == "signature":
            values.append(user.pk)  # the account that must still be active
    numbering, numbering_values, undo = "", [], ""
    if at_once:
        count_sql, count_values = _count_statement(
            appeal,
            signature.revision.number,
            _AFTER_THE_OTHERS + _SHORT_OF_THE_THRESHOLD,
            [Status.COLLECTING],
        )
        numbering, numbering_values = numbering_parts(appeal.problem_id, user.pk, after="counted")
        numbering, undo = f", {numbering}", _UNDO_UNLESS_COUNTED
    else:
        count_sql, count_values = _count_statement(
            appeal, signature.revision.number, _AFTER_THE_OTHERS
        )
    sql = _STATEMENT.format(
        signatures=Signature._meta.db_table,
        accounts=get_user_model()._meta.db_table,
        follows=Follow._meta.db_table,
        events=AuditEvent._meta.db_table,
        count=count_sql,
        numbering=numbering,
        undo=undo,
        **parts,
    )
    found = _execute(sql, [*values, *count_values, *numbering_values], bound=at_once)
    if found is None:
        _refuse_if_erased(user)
        raise IntegrityError("one_active_signature_per_person")
    # The count's row follows the id; the statement at once ends with the column that undoes it.
    signature.pk, row = found[0], found[1:-1] if at_once else found[1:]
    signature._state.adding, signature._state.db = False, transaction.get_connection().alias
    return None if row[0] is None else row


def _refuse_if_erased(user) -> None:
    """An account erased while its signature was on the way (the person's other tab) signs
    nothing: the erasure withdrew its signatures and blanked their data already."""
    if not get_user_model().objects.filter(pk=user.pk, is_active=True).exists():
        raise ValidationError(_("This account has been erased: it signs nothing."))


def _typed(obj) -> dict[str, str]:
    """Each column's placeholder cast to the column's type (`row_of`'s expressions)."""
    connection = transaction.get_connection()
    return {
        field.name: f"%s::{field.db_type(connection)}" for field in obj._meta.local_concrete_fields
    }


def _execute(sql: str, values: list, *, bound: bool):
    """Run the statement and return its row. `bound`: with its values sent apart from its text
    (server-side binding), as the statement that undoes itself with an error must be, since
    PostgreSQL logs the text of a statement that failed (`log_min_error_statement`), and the
    text would otherwise hold the signatory's name, address and e-mail. That statement is also
    prepared on the connection (which lives `CONN_MAX_AGE`; psycopg forgets what it prepared
    after any rollback and prepares again): PostgreSQL otherwise plans its seven parts again
    for every signature, about half of its CPU on one. The plan it keeps is the one each
    signature would get, an appeal's row by its key."""
    connection = transaction.get_connection()
    if not bound:
        with connection.cursor() as cursor:
            cursor.execute(sql, values)
            return cursor.fetchone()
    try:
        return _execute_prepared(connection, sql, values)
    except (NotSupportedError, ProgrammingError) as error:
        stale = getattr(error.__cause__, "sqlstate", None) in _PREPARED_GONE_STALE
        if not stale or connection.in_atomic_block:
            raise
    # A migration changed a column the statement returns (during a rolling deploy, say), and
    # PostgreSQL refuses the plan it prepared before; or a pooler lost the statement. The
    # statement failed whole, as its own transaction (none is open around it, checked above):
    # on a new connection it is prepared again.
    connection.close()
    return _execute_prepared(connection, sql, values)


# "cached plan must not change result type"; "prepared statement … does not exist".
_PREPARED_GONE_STALE = {"0A000", "26000"}


def _execute_prepared(connection, sql: str, values: list):
    connection.ensure_connection()
    with psycopg.Cursor(connection.connection) as cursor:
        # Seen by Django's query log (`CaptureQueriesContext`, DEBUG) as its own cursors are.
        logged = (
            connection.make_debug_cursor(cursor).debug_sql(sql, values)
            if connection.queries_logged
            else contextlib.nullcontext()
        )
        with connection.wrap_database_errors, logged:
            cursor.execute(sql, values, prepare=True)
            return cursor.fetchone()


def _count_statement(
    appeal: Appeal, revision: int, condition: str = "", condition_values: list | None = None
) -> tuple[str, list]:
    """The UPDATE that adds a signature of revision number `revision` to the appeal's count, if
    the appeal takes it and counts that revision (and if the further `condition` holds, with its
    `condition_values`)."""
    table, problems = Appeal._meta.db_table, Problem._meta.db_table
    statuses = ", ".join(["%s"] * len(SIGNABLE))
    sql = (
        f"UPDATE {table} SET signature_count = signature_count + 1 "  # noqa: S608 (our names)
        f"WHERE id = %s AND status IN ({statuses}) "
        # Once sent by the author himself, the appeal is out of Veche's hands.
        "AND (status = %s OR NOT sent_by_author) "
        # A problem a moderator hid takes no new signatures (`refuse_if_hidden`).
        f"AND NOT EXISTS (SELECT 1 FROM {problems} WHERE {problems}.id = {table}.problem_id "
        f"AND {problems}.hidden_at IS NOT NULL) "
        # A signature of a text changed in substance since it was read (a substantive revision
        # committed while this one was on its way, or waited for the appeal's row) would count
        # for a text its signatory never saw: it is kept uncounted (`_counted`).
        f"AND signatures_from <= %s {condition}"
    )
    # The addressee too, as the row is under the lock: the appeal kept for signing may be a few
    # seconds older than a forwarding, and a supplementary list goes to the addressee of now.
    returning = (
        "RETURNING signature_count, signature_threshold, status, support_sent, organization_id"
    )
    values = [appeal.pk, *SIGNABLE, Status.COLLECTING, revision, *(condition_values or [])]
    return f"{sql}{returning}", values


def _count(appeal: Appeal, revision: int):
    sql, values = _count_statement(appeal, revision)
    with transaction.get_connection().cursor() as cursor:
        cursor.execute(sql, values)
        return cursor.fetchone()


def _counted(appeal: Appeal, signature: Signature, row) -> None:
    """Take in the count's row, and dispatch the appeal when this signature reached the
    threshold. The count's UPDATE took the appeal's row lock, held to the commit: every
    signing before it is counted, and exactly one signing sees the threshold reached. An appeal
    that stopped taking signatures meanwhile refuses this one (the transaction is undone).

    A signature of a text the author changed in substance meanwhile is kept but not counted:
    the person signed what they read, and confirms the new text or not (`confirm_signature`);
    `signature.counted` tells the caller which it was."""
    signature.counted = row is not None
    if row is None:
        fresh = Appeal.objects.select_related("problem").get(pk=appeal.pk)
        refuse_if_hidden(fresh.problem)
        refuse_unless_signable(fresh)
        if not fresh.counts_revision(signature.revision.number):
            appeal.signature_count, appeal.signatures_from = (
                fresh.signature_count,
                fresh.signatures_from,
            )
            signature.appeal = appeal
            return
        raise ValidationError(_("This appeal does not take signatures now."))
    (
        appeal.signature_count,
        appeal.signature_threshold,
        appeal.status,
        appeal.support_sent,
        appeal.organization_id,  # a change also drops the organization read with the appeal
    ) = row
    signature.appeal = appeal
    if appeal.status == Status.COLLECTING:
        if appeal.signature_count >= appeal.signature_threshold:
            _dispatch(appeal, actor=None)
        return
    # Given after the dispatch: it goes to the addressee in a supplementary list, made by the
    # signing that grows the support past its due (under the lock, so exactly once).
    Signature.objects.filter(pk=signature.pk).update(after_dispatch=True)
    signature.after_dispatch = True
    if list_is_due(appeal):
        signature.supplementary_list = make_supplementary_list(
            appeal, reason=SupplementaryList.Reason.GROWTH
        )


def refuse_unless_signable(appeal: Appeal) -> None:
    """Say why an appeal takes no signatures, if it does not (a hidden problem aside:
    `refuse_if_hidden`)."""
    if appeal.takes_signatures:
        return
    if appeal.sent_by_author and appeal.status in SUPPLEMENTED_STATUSES:
        raise ValidationError(
            _("The author took the appeal to the addressee himself: it takes no more signatures.")
        )
    if appeal.status in (Status.ANSWERED, Status.CLOSED, Status.ESCALATED):
        raise ValidationError(
            _(
                "Signing has ended: the addressee gave its final answer, or the appeal is closed. "
                "A signature now would reach nobody."
            )
        )
    _require_status(appeal, *SIGNABLE)


def refuse_if_hidden(problem: Problem) -> None:
    """A problem hidden by a moderator is not signed: the refusal gives the published ground.
    The signatures given before it was hidden stay, and count."""
    if problem.hidden_at is None:
        return
    ground = ground_label(problem.hidden_reason) if problem.hidden_reason else ""
    if ground:
        raise ValidationError(
            _("A moderator hid this problem (ground: %(ground)s): it cannot be signed.")
            % {"ground": ground}
        )
    raise ValidationError(_("A moderator hid this problem: it cannot be signed."))


def sign_appeal(*, user, appeal: Appeal) -> Signature:
    """One signature per person, only when eligible; the threshold dispatches the appeal. A
    signature of a text changed in substance while it was on its way stays, uncounted
    (`signature.counted` is false), until the person confirms the new text.

    Nothing is locked while eligibility and the co-applicant's data are gathered; one
    statement then signs, numbers and counts (`_sign_at_once`, on PostgreSQL below the
    threshold), else a short transaction does (`_add_signature`)."""
    refuse_unless_signable(appeal)
    ratelimits.spend("sign", user)
    prefetch_verifications(user)  # for the eligibility, then for the co-applicant's snapshot
    # The requirement kept with the appeal for signing, if it came from there.
    requirement = getattr(appeal, "sign_requirement", None)
    decision = check_eligibility(user, EligibilityRule.Action.SIGN, appeal, requirement=requirement)
    _refuse_unless(decision)
    try:
        signature = _sign_at_once(user, appeal, decision)
        if signature is None:
            number_of(appeal.problem_id, user.pk)
            signature = _add_signature(user, appeal, decision)
        return signature
    except IntegrityError:
        raise ValidationError(_("You have already signed this appeal.")) from None


@transaction.atomic
def withdraw_signature(*, user, appeal: Appeal) -> None:
    """Until the dispatch, a signature is withdrawn; after it, only one given since and not yet
    sent in a supplementary list (what the addressee received stays received), or one awaiting
    its signatory's confirmation of a changed text, which the addressee never received."""
    appeal = _lock(appeal)
    if appeal.status != Status.COLLECTING:
        _require_status(appeal, *SUPPLEMENTED_STATUSES)
        # One awaiting the confirmation of a changed text went nowhere: it may be withdrawn.
        sent = (
            Signature.objects.counted()
            .filter(appeal=appeal, user=user)
            .filter(Q(after_dispatch=False) | Q(supplementary_list__isnull=False))
        )
        if sent.exists():
            raise ValidationError(
                _("Your signature has already reached the addressee: it cannot be withdrawn.")
            )
    if _withdraw(user, appeal) is None:
        raise ValidationError(_("You have not signed this appeal."))


def _withdraw(user, appeal: Appeal, **audit) -> Signature | None:
    """Withdraw the person's signature, if there is one, and count it out if it counted (one
    awaiting the confirmation of a changed text did not). The caller holds the appeal's lock,
    the same one signing and revising take, so the count stays exact."""
    signature = (
        Signature.objects.filter(appeal=appeal, user=user, withdrawn_at__isnull=True)
        .select_related("revision")
        .first()
    )
    if signature is None:
        return None
    counted = appeal.counts_revision(signature.revision.number)
    signature.withdrawn_at = timezone.now()
    signature.save(update_fields=["withdrawn_at"])
    if counted:
        Appeal.objects.filter(pk=appeal.pk).update(signature_count=F("signature_count") - 1)
    record_event(
        actor=user,
        action="appeal.signature_withdrawn",
        target=appeal,
        data={"signature": signature.pk, "counted": counted, **audit},
    )
    return signature


@transaction.atomic
def confirm_signature(*, user, appeal: Appeal) -> Signature:
    """The signatory supports the current text: their signature moves to its revision.

    One given to a text changed in substance since did not count: confirmed, it counts as a new
    signature does, under the same lock and through the same UPDATE (`_count`, `_counted`), so
    it may reach the threshold and dispatch the appeal or, after the dispatch, go to the
    addressee in a supplementary list. Being a new support of a new text, it asks what signing
    asks: an appeal that takes signatures, a problem not hidden, and the person's eligibility
    now. One that counts already (only minor edits since) just names the current revision,
    before the dispatch, whose copy names what was sent."""
    appeal = _lock(appeal)
    signature = (
        Signature.objects.filter(appeal=appeal, user=user, withdrawn_at__isnull=True)
        .select_related("revision")
        .first()
    )
    if signature is None:
        raise ValidationError(_("You have not signed this appeal."))
    counted = appeal.counts_revision(signature.revision.number)
    if counted:
        _require_status(appeal, Status.COLLECTING)
    else:
        refuse_if_hidden(appeal.problem)
        refuse_unless_signable(appeal)
        _refuse_unless(check_eligibility(user, EligibilityRule.Action.SIGN, appeal))
    signature.revision = appeal.current_revision
    signature.save(update_fields=["revision"])
    record_event(
        actor=user,
        action="appeal.signature_confirmed",
        target=appeal,
        data={
            "signature": signature.pk,
            "revision": signature.revision.number,
            "counted_now": not counted,
        },
    )
    if not counted:
        _counted(appeal, signature, _count(appeal, signature.revision.number))
    return signature
