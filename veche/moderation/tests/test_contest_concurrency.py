"""One decision contested from many tabs at once, and one contest decided by two moderators at
once, on PostgreSQL: one contest is kept, one decision of it counts."""

import pytest

from tests.concurrency import ONLY_POSTGRESQL, at_once
from tests.factories import make_organization, make_staff
from veche.core.models import AuditEvent
from veche.moderation.models import Contest, Decision
from veche.moderation.services import contest_decision, decide_contest, hide_content
from veche.organizations.models import Membership

pytestmark = [pytest.mark.django_db(transaction=True), ONLY_POSTGRESQL]


def test_a_decision_contested_from_many_tabs_is_contested_once(comment, moderator):
    hide_content(moderator=moderator, target=comment, ground="spam")
    decision = Decision.objects.get()
    outcomes = at_once(
        lambda n: contest_decision(user=comment.author, decision=decision, text=f"Нет {n}."),
        range(8),
    )
    assert outcomes == {"done": 1, "refused": 7}
    assert Contest.objects.count() == 1


def test_two_moderators_deciding_one_contest_decide_it_once(comment, moderator):
    hide_content(moderator=moderator, target=comment, ground="spam")
    contest = contest_decision(user=comment.author, decision=Decision.objects.get(), text="Нет.")
    others = [make_staff(make_organization(), Membership.Role.MODERATOR) for _ in range(6)]
    outcomes = at_once(
        lambda person: decide_contest(
            moderator=person, contest=contest, uphold=person.pk % 2 == 0, answer="Решено."
        ),
        others,
    )
    assert outcomes == {"done": 1, "refused": 5}
    assert AuditEvent.objects.filter(action="moderation.contest_decided").count() == 1
