"""A signature of a surge on PostgreSQL is one statement that is its own transaction: the person's
number, the signature, the follow, the event and the count. It counts only while the appeal
collects short of its threshold; a statement that finds otherwise (the appeal kept for signing
was a moment old) undoes itself whole, and the signature takes the long way, which dispatches
at the threshold or refuses."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.concurrency import ONLY_POSTGRESQL
from tests.factories import make_problem, make_resident
from veche.appeals.models import Appeal, Dispatch, Follow, Participant, Problem, Signature
from veche.appeals.services import sign_appeal
from veche.core.models import AuditEvent

pytestmark = ONLY_POSTGRESQL


def statements_of(call) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        call()
    return [q["sql"] for q in captured.captured_queries]


def signing(sql: str) -> bool:
    return "INSERT INTO appeals_signature" in sql


def everything_of(person, appeal) -> dict:
    return {
        "signatures": Signature.objects.filter(user=person, appeal=appeal).count(),
        "numbers": Participant.objects.filter(user=person, problem_id=appeal.problem_id).count(),
        "follows": Follow.objects.filter(user=person, problem_id=appeal.problem_id).count(),
        "events": AuditEvent.objects.filter(actor=person, action="appeal.signed").count(),
    }


@pytest.mark.django_db(transaction=True)
def test_below_the_threshold_a_signature_is_one_statement_with_the_persons_number():
    problem = make_problem(threshold=100)
    appeal = problem.current_appeal
    person = make_resident(problem.territory)
    last_number = Participant.objects.filter(problem=problem).order_by("-number")[0].number

    sent = statements_of(lambda: sign_appeal(user=person, appeal=appeal))

    [statement] = [sql for sql in sent if signing(sql) or "appeals_participant" in sql]
    assert signing(statement) and "appeals_participantcounter" in statement
    assert not any(sql.startswith(("SAVEPOINT", "BEGIN")) for sql in sent)
    assert everything_of(person, appeal) == {
        "signatures": 1,
        "numbers": 1,
        "follows": 1,
        "events": 1,
    }
    number = Participant.objects.get(user=person, problem=problem).number
    assert number == last_number + 1
    event = AuditEvent.objects.get(actor=person, action="appeal.signed")
    assert event.data["signature"] == Signature.objects.get(user=person, appeal=appeal).pk
    assert Appeal.objects.get(pk=appeal.pk).signature_count == 2


@pytest.mark.django_db(transaction=True)
def test_a_second_press_is_refused_and_writes_nothing():
    problem = make_problem(threshold=100)
    person = make_resident(problem.territory)
    sign_appeal(user=person, appeal=Appeal.objects.get(pk=problem.current_appeal_id))
    with pytest.raises(ValidationError, match="уже подписали"):
        sign_appeal(user=person, appeal=Appeal.objects.get(pk=problem.current_appeal_id))
    assert everything_of(person, problem.current_appeal) == {
        "signatures": 1,
        "numbers": 1,
        "follows": 1,
        "events": 1,
    }
    assert Appeal.objects.get(pk=problem.current_appeal_id).signature_count == 2


@pytest.mark.django_db  # inside the test's transaction: the statement undoes to a savepoint
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
    assert everything_of(person, appeal) == {
        "signatures": 1,
        "numbers": 1,
        "follows": 1,
        "events": 1,
    }


@pytest.mark.django_db(transaction=True)
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
