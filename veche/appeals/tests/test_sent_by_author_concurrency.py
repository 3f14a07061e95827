"""The author presses "Send now" and "I will send it myself" in several tabs at once, on
PostgreSQL: the appeal is sent one way, once."""

import pytest

from tests.concurrency import ONLY_POSTGRESQL, at_once
from tests.factories import make_problem
from veche.appeals.models import Appeal
from veche.appeals.services import record_sent_by_author, send_appeal_now
from veche.core.models import AuditEvent

pytestmark = [pytest.mark.django_db(transaction=True), ONLY_POSTGRESQL]


def test_sending_now_and_sending_it_himself_at_once_send_it_once():
    appeal = make_problem().current_appeal
    author = appeal.problem.author
    actions = [send_appeal_now, record_sent_by_author] * 4
    outcomes = at_once(lambda action: action(author=author, appeal=appeal), actions)
    assert outcomes == {"done": 1, "refused": 7}
    appeal.refresh_from_db()
    assert appeal.status == Appeal.Status.SENT
    sent = AuditEvent.objects.filter(action__in=("appeal.dispatched", "appeal.sent_by_author"))
    assert sent.count() == 1
    # One way or the other, never both: a delivery, or the author's own copy.
    assert appeal.dispatches.count() == (0 if appeal.sent_by_author else 1)
