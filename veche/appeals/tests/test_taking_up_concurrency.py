"""Two staff members of one organization press "Send the letter" at the same moment, on
PostgreSQL: the problem is taken up once, with one letter, one audit row, one e-mail queued."""

import pytest

from tests.concurrency import ONLY_POSTGRESQL, at_once
from veche.appeals.models import TAKE_UP_KIND, TakeUp
from veche.appeals.services import take_up_problem
from veche.appeals.tests.take_up_cast import LETTER, make_cast
from veche.core.models import AuditEvent, OutboxMessage
from veche.documents.models import IssuedDocument

pytestmark = [pytest.mark.django_db(transaction=True), ONLY_POSTGRESQL]


def test_two_staff_sending_at_once_make_one_letter():
    cast = make_cast()
    staff = [cast.deputy_head, cast.deputy_official] * 3
    outcomes = at_once(
        lambda person: take_up_problem(
            official=person, problem=cast.problem, organization=cast.deputy, text=LETTER
        ),
        staff,
    )
    assert outcomes == {"done": 1, "refused": 5}
    assert TakeUp.objects.count() == 1
    assert AuditEvent.objects.filter(action="problem.taken_up").count() == 1
    assert OutboxMessage.objects.filter(kind=TAKE_UP_KIND).count() == 1
    assert IssuedDocument.objects.filter(kind="take_up").count() == 1
