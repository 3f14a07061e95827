"""Race conditions: the same action pressed at once from many tabs or by many people happens
once, and limits that count (wrong phone codes) count every try. On PostgreSQL the presses run
in parallel threads released together, so the row locks and unique constraints are what keeps
the result right; SQLite serialises every write, so there the same presses run one after
another and the same assertions hold.

Race conditions are one of the classes of Decidim's 2023–2026 advisories (issue 15); Veche's
existing parallel tests cover signing (appeals/tests/test_concurrent_signing.py) and numbering,
protocol and conclusion (discussions/tests/test_concurrency.py); these cover the rest.
"""

import datetime
import re

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone, translation

from tests.concurrency import at_once
from tests.factories import make_organization, make_problem, make_resident, make_staff
from tests.phone import sent_code
from veche.appeals import services
from veche.appeals.models import Appeal, EditProposal, Rating, Revision, Signature
from veche.core.models import AuditEvent
from veche.identity.models import PhoneCode, Verification
from veche.identity.services import confirm_phone, send_phone_code
from veche.moderation.models import Complaint
from veche.moderation.services import report_content

pytestmark = pytest.mark.django_db(transaction=True)
PRESSES = 12


@pytest.fixture(autouse=True)
def _quiet(settings, sms_outbox):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    with translation.override("en"):
        yield


# --- Counting limits ------------------------------------------------------------------------


def test_wrong_phone_codes_sent_at_once_all_count_and_void_the_code():
    """Guessing in parallel must not slip past the limit of five wrong codes."""
    from tests.factories import make_user

    person = make_user()
    send_phone_code(user=person, number="+79161234567")
    right = sent_code()
    wrong = [f"{(int(right) + shift) % 1_000_000:06d}" for shift in range(1, 3 * PRESSES + 1)]
    outcomes = at_once(lambda code: confirm_phone(user=person, code=code), wrong)
    assert outcomes == {"refused": len(wrong)}
    code = PhoneCode.objects.get(user=person)
    assert (code.status, code.attempts) == (PhoneCode.Status.VOID, 5)
    with pytest.raises(ValidationError):
        confirm_phone(user=person, code=right)
    assert not Verification.objects.filter(user=person).exists()


def test_the_right_phone_code_pressed_at_once_confirms_once():
    from tests.factories import make_user

    person = make_user()
    send_phone_code(user=person, number="+79161234567")
    code = sent_code()
    outcomes = at_once(lambda _: confirm_phone(user=person, code=code), range(PRESSES))
    assert outcomes == {"done": 1, "refused": PRESSES - 1}
    assert Verification.objects.filter(user=person).count() == 1
    assert AuditEvent.objects.filter(action="identity.phone_confirmed").count() == 1


# --- One per person -------------------------------------------------------------------------


def answered(problem) -> Appeal:
    appeal = problem.current_appeal
    Appeal.objects.filter(pk=appeal.pk).update(
        status=Appeal.Status.ANSWERED,
        answered_at=timezone.now(),
        rating_until=timezone.now() + datetime.timedelta(days=30),
    )
    appeal.refresh_from_db()
    return appeal


def test_a_rating_pressed_at_once_from_many_tabs_counts_once():
    problem = make_problem()
    appeal = answered(problem)
    outcomes = at_once(
        lambda score: services.rate_answer(
            user=problem.author, appeal=Appeal.objects.get(pk=appeal.pk), score=score
        ),
        [1 + n % 5 for n in range(PRESSES)],
    )
    assert outcomes == {"done": 1, "refused": PRESSES - 1}
    assert Rating.objects.filter(appeal=appeal).count() == 1
    assert AuditEvent.objects.filter(action="appeal.rated").count() == 1


def test_a_complaint_pressed_at_once_is_filed_once():
    problem = make_problem()
    comment = services.add_comment(author=problem.author, problem=problem, text="Спорно.")
    reporter = make_resident(problem.territory)
    outcomes = at_once(
        lambda _: report_content(reporter=reporter, target=comment, reason="spam"),
        range(PRESSES),
    )
    assert outcomes == {"done": 1, "refused": PRESSES - 1}
    assert Complaint.objects.about(comment).count() == 1
    assert AuditEvent.objects.filter(action="moderation.reported").count() == 1


def test_signing_and_withdrawing_at_once_keep_the_count_exact():
    problem = make_problem(threshold=1000)
    appeal = problem.current_appeal
    people = [make_resident(problem.territory) for _ in range(PRESSES // 2)]
    for person in people:
        services.sign_appeal(user=person, appeal=appeal)
    newcomers = [make_resident(problem.territory) for _ in range(PRESSES // 2)]

    def press(person):
        fresh = Appeal.objects.get(pk=appeal.pk)
        if person in people:
            services.withdraw_signature(user=person, appeal=fresh)
        else:
            services.sign_appeal(user=person, appeal=fresh)

    assert at_once(press, people + newcomers) == {"done": PRESSES}
    appeal.refresh_from_db()
    active = Signature.objects.filter(appeal=appeal, withdrawn_at__isnull=True).count()
    assert active == 1 + len(newcomers)  # the author's own signature and the newcomers'
    assert appeal.signature_count == active


# --- Once per object ------------------------------------------------------------------------


def test_an_edit_proposal_accepted_at_once_makes_one_revision():
    problem = make_problem()
    appeal = problem.current_appeal
    signer = make_resident(problem.territory)
    services.sign_appeal(user=signer, appeal=appeal)
    proposal = services.propose_edit(
        user=signer, appeal=appeal, text=appeal.current_revision.text + " Срочно."
    )
    revisions = Revision.objects.filter(appeal=appeal).count()
    outcomes = at_once(
        lambda _: services.decide_edit(
            author=problem.author, proposal=EditProposal.objects.get(pk=proposal.pk), accept=True
        ),
        range(PRESSES),
    )
    assert outcomes == {"done": 1, "refused": PRESSES - 1}
    assert Revision.objects.filter(appeal=appeal).count() == revisions + 1


def test_an_appeal_registered_at_once_by_two_officials_is_registered_once():
    organization = make_organization()
    officials = [make_staff(organization) for _ in range(PRESSES)]
    problem = make_problem(organization=organization)
    Appeal.objects.filter(pk=problem.current_appeal.pk).update(
        status=Appeal.Status.SENT, sent_at=timezone.now()
    )
    outcomes = at_once(
        lambda official: services.register_appeal(
            official=official,
            appeal=Appeal.objects.get(pk=problem.current_appeal.pk),
            registration_number=f"Ж-{official.pk}",
        ),
        officials,
    )
    assert outcomes == {"done": 1, "refused": PRESSES - 1}
    appeal = Appeal.objects.get(pk=problem.current_appeal.pk)
    assert appeal.status == Appeal.Status.REGISTERED
    assert AuditEvent.objects.filter(action="appeal.registered").count() == 1


def test_signing_counts_on_the_appeal_row_last_and_takes_no_lock_before():
    """The guard the parallel cases rely on, seen in the SQL: signing reads without a lock,
    inserts the signature, and its last statement is the conditional UPDATE of the appeal's
    counter, whose row lock (on PostgreSQL) is held only for the commit; no SELECT … FOR UPDATE
    of the appeal queues the signers for the whole transaction."""
    from django.test.utils import CaptureQueriesContext

    problem = make_problem(threshold=1000)
    person = make_resident(problem.territory)
    with CaptureQueriesContext(connection) as queries:
        services.sign_appeal(user=person, appeal=problem.current_appeal)
    statements = [q["sql"] for q in queries.captured_queries]
    assert not [sql for sql in statements if "FOR UPDATE" in sql]
    writes = [
        sql for sql in statements if sql.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
    ]
    # The person's participant number is given first, in a short transaction of its own that
    # locks only the problem's counter row (`appeals/participants.py`), never the appeal's; or,
    # on PostgreSQL below the threshold, by the signing statement itself, after the count.
    numbering = [sql for sql in writes if "appeals_participant" in sql]
    assert numbering == writes[: len(numbering)]
    writes = writes[len(numbering) :]
    if connection.vendor == "postgresql":
        # One statement of four parts (`_insert_at_once`), the last writes of the signing: the
        # signature first, then the follow and the audit event, the counter's UPDATE last.
        [statement] = [sql for sql in statements if "INSERT INTO appeals_signature" in sql]
        numbered = [i for i, sql in enumerate(statements) if "appeals_participantcounter" in sql]
        at_once = numbered == [statements.index(statement)]
        assert at_once or (numbered and numbered[-1] < statements.index(statement))
        parts = [
            "INSERT INTO appeals_signature",
            "INSERT INTO appeals_follow",
            "INSERT INTO core_auditevent",
            "UPDATE appeals_appeal SET signature_count = signature_count + 1",
        ]
        positions = [statement.index(part) for part in parts]
        assert positions == sorted(positions)
        assert "status IN" in statement[positions[-1] :]
        if at_once:  # the counter's row is locked after the appeal's, as a proposed edit does
            assert statement.index("INSERT INTO appeals_participantcounter") > positions[-1]
        assert "ON CONFLICT DO NOTHING" in statement[: positions[1]]  # the constraint guards
        return
    assert writes[0].startswith('INSERT INTO "appeals_signature"')
    assert re.match(r"UPDATE appeals_appeal SET signature_count = signature_count \+ 1", writes[-1])
    assert "status IN" in writes[-1]
