"""A signature of a surge on PostgreSQL is one statement that is its own transaction: the person's
number, the signature, the follow, the event and the count. It counts only while the appeal
collects short of its threshold; a statement that finds otherwise (the appeal kept for signing
was a moment old) undoes itself whole, and the signature takes the long way, which dispatches
at the threshold or refuses."""

import psycopg
import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.concurrency import ONLY_POSTGRESQL
from tests.factories import make_problem, make_resident
from veche.appeals.models import Appeal, Dispatch, Follow, Participant, Problem, Signature
from veche.appeals.services import sign_appeal
from veche.core.models import AuditEvent

pytestmark = [ONLY_POSTGRESQL, pytest.mark.django_db(transaction=True)]


def statements_of(call) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        call()
    return [q["sql"] for q in captured.captured_queries]


def signing(sql: str) -> bool:
    return "INSERT INTO appeals_signature" in sql


# A signature's writes, each once.
ONCE = {"signatures": 1, "numbers": 1, "follows": 1, "events": 1}


def everything_of(person, appeal) -> dict:
    return {
        "signatures": Signature.objects.filter(user=person, appeal=appeal).count(),
        "numbers": Participant.objects.filter(user=person, problem_id=appeal.problem_id).count(),
        "follows": Follow.objects.filter(user=person, problem_id=appeal.problem_id).count(),
        "events": AuditEvent.objects.filter(actor=person, action="appeal.signed").count(),
    }


def test_below_the_threshold_a_signature_is_one_statement_with_the_persons_number(monkeypatch):
    problem = make_problem(threshold=100)
    appeal = problem.current_appeal
    person = make_resident(problem.territory)
    last_number = Participant.objects.filter(problem=problem).order_by("-number")[0].number
    transactions = []  # a transaction begins by switching autocommit off
    real = type(connection.connection).autocommit.fset
    monkeypatch.setattr(
        type(connection.connection),
        "autocommit",
        property(
            type(connection.connection).autocommit.fget,
            lambda raw, value: transactions.append(value) or real(raw, value),
        ),
    )

    sent = statements_of(lambda: sign_appeal(user=person, appeal=appeal))

    [statement] = [sql for sql in sent if signing(sql) or "appeals_participant" in sql]
    assert signing(statement) and "appeals_participantcounter" in statement
    assert transactions == []
    assert everything_of(person, appeal) == ONCE
    number = Participant.objects.get(user=person, problem=problem).number
    assert number == last_number + 1
    event = AuditEvent.objects.get(actor=person, action="appeal.signed")
    assert event.data["signature"] == Signature.objects.get(user=person, appeal=appeal).pk
    assert Appeal.objects.get(pk=appeal.pk).signature_count == 2


def test_the_statement_that_may_undo_itself_sends_its_values_apart(monkeypatch):
    """Its error is logged by PostgreSQL with its text: the text must hold no one's name."""
    problem = make_problem(threshold=100)
    person = make_resident(problem.territory, last_name="Неповторимова")
    quoted_in_text = []
    real = psycopg.Cursor.execute

    def spy(cursor, query, params=None, **kwargs):
        if "INSERT INTO appeals_signature" in str(query):
            quoted_in_text.append(isinstance(cursor, psycopg.ClientCursor))
        return real(cursor, query, params, **kwargs)

    monkeypatch.setattr(psycopg.Cursor, "execute", spy)
    sign_appeal(user=person, appeal=Appeal.objects.get(pk=problem.current_appeal_id))
    assert quoted_in_text == [False]
    assert Signature.objects.get(user=person).full_name.startswith("Неповторимова")


def test_inside_a_caller_s_transaction_the_long_way_is_taken():
    problem = make_problem(threshold=100)
    person = make_resident(problem.territory)
    with transaction.atomic():
        sent = statements_of(
            lambda: sign_appeal(
                user=person, appeal=Appeal.objects.get(pk=problem.current_appeal_id)
            )
        )
    [statement] = [sql for sql in sent if signing(sql)]
    assert "appeals_participantcounter" not in statement
    assert everything_of(person, problem.current_appeal) == ONCE


def test_a_second_press_is_refused_and_writes_nothing():
    problem = make_problem(threshold=100)
    person = make_resident(problem.territory)
    sign_appeal(user=person, appeal=Appeal.objects.get(pk=problem.current_appeal_id))
    with pytest.raises(ValidationError, match="уже подписали"):
        sign_appeal(user=person, appeal=Appeal.objects.get(pk=problem.current_appeal_id))
    assert everything_of(person, problem.current_appeal) == ONCE
    assert Appeal.objects.get(pk=problem.current_appeal_id).signature_count == 2


def test_a_statement_that_reaches_the_threshold_is_undone_and_the_long_way_dispatches():
    problem = make_problem(threshold=3)
    sign_appeal(user=make_resident(problem.territory), appeal=problem.current_appeal)
    person = make_resident(problem.territory)
    stale = Appeal.objects.get(pk=problem.current_appeal_id)
    stale.signature_count = 0  # as kept a moment before the last signature

    sent = statements_of(lambda: sign_appeal(user=person, appeal=stale))

    tried = [sql for sql in sent if signing(sql)]
    assert len(tried) == 2  # at once, undone; then the long way
    assert "appeals_participantcounter" in tried[0]
    appeal = Appeal.objects.get(pk=problem.current_appeal_id)
    assert appeal.status == Appeal.Status.SENT
    assert appeal.signature_count == 3
    assert Dispatch.objects.filter(appeal=appeal).count() == 1
    assert everything_of(person, appeal) == ONCE


def test_a_statement_on_a_problem_hidden_meanwhile_is_undone_whole_and_refused():
    problem = make_problem(threshold=100)
    person = make_resident(problem.territory)
    kept = Appeal.objects.get(pk=problem.current_appeal_id)
    Problem.objects.filter(pk=problem.pk).update(hidden_at=timezone.now())

    with pytest.raises(ValidationError, match="Модератор скрыл"):
        sign_appeal(user=person, appeal=kept)

    # The long way numbers the person before its transaction, and then refuses; the statement
    # undone left nothing of its own.
    assert everything_of(person, kept) == {"signatures": 0, "numbers": 1, "follows": 0, "events": 0}
    assert Appeal.objects.get(pk=kept.pk).signature_count == 1


# Prepared unless the deployment turned it off (VECHE_PREPARED_STATEMENTS=false).
PREPARING = pytest.mark.skipif(
    settings.DATABASES["default"].get("OPTIONS", {}).get("prepare_threshold") is None,
    reason="prepared statements are off (VECHE_PREPARED_STATEMENTS=false)",
)


def prepared() -> list[tuple[str, int]]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement, generic_plans + custom_plans FROM pg_prepared_statements")
        return cursor.fetchall()


@PREPARING
def test_the_statement_is_prepared_once_for_the_connection_and_nothing_else_is():
    """PostgreSQL would plan the statement's seven parts for every signature; prepared, it is
    planned once for the connection. The ORM's queries stay unprepared, as Django leaves them
    for connection poolers."""
    problem = make_problem(threshold=100)
    people = [make_resident(problem.territory) for _ in range(3)]
    connection.close()  # a fresh connection, as a worker's first request has
    for person in people:
        sign_appeal(user=person, appeal=Appeal.objects.get(pk=problem.current_appeal_id))

    [(statement, executions)] = prepared()
    assert signing(statement) and "appeals_participantcounter" in statement
    assert executions == 3
    assert Appeal.objects.get(pk=problem.current_appeal_id).signature_count == 4


@PREPARING
def test_an_undone_prepared_statement_leaves_the_next_signature_whole():
    """The statement that undoes itself fails with an error: the connection and its prepared
    statement still serve the next signature, of any appeal."""
    reaching, other = make_problem(threshold=3), make_problem(threshold=100)
    connection.close()
    sign_appeal(user=make_resident(reaching.territory), appeal=reaching.current_appeal)
    stale = Appeal.objects.get(pk=reaching.current_appeal_id)
    stale.signature_count = 0  # kept a moment before, while it was far from its threshold
    sign_appeal(user=make_resident(reaching.territory), appeal=stale)  # undone, then dispatched
    person = make_resident(other.territory)

    sign_appeal(user=person, appeal=Appeal.objects.get(pk=other.current_appeal_id))

    assert Appeal.objects.get(pk=reaching.current_appeal_id).status == Appeal.Status.SENT
    assert everything_of(person, other.current_appeal) == ONCE
    [(_statement, executions)] = prepared()
    assert executions == 3  # the first, the one undone, and this one


def test_a_migration_that_changes_what_the_statement_returns_does_not_stop_signing():
    """During a rolling deploy a migration may change a column the statement returns, while
    old workers hold the statement prepared: PostgreSQL then refuses the plan ("cached plan
    must not change result type"), and the signature is signed on a new connection."""
    problem = make_problem(threshold=100)
    sign_appeal(user=make_resident(problem.territory), appeal=problem.current_appeal)
    person = make_resident(problem.territory)
    with psycopg.connect(**connection.get_connection_params(), autocommit=True) as other:
        other.execute("ALTER TABLE appeals_appeal ALTER COLUMN status TYPE varchar(40)")
        try:
            sign_appeal(user=person, appeal=Appeal.objects.get(pk=problem.current_appeal_id))
        finally:
            connection.close()
            other.execute("ALTER TABLE appeals_appeal ALTER COLUMN status TYPE varchar(16)")

    assert everything_of(person, problem.current_appeal) == ONCE
    assert Appeal.objects.get(pk=problem.current_appeal_id).signature_count == 3
