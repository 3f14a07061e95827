"""Due process: the author contests a decision once, within the window; a second moderator,
never the one who took the decision, upholds or reverses it; reversing shows the content again
or lifts the block; the author is told either way."""

import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from tests.factories import make_organization, make_resident, make_staff
from tests.outbox import deliver_everything
from veche.appeals.services import add_comment
from veche.core.models import AuditEvent
from veche.moderation.models import Complaint, Contest, Decision
from veche.moderation.services import (
    block_author,
    contest_decision,
    decide_contest,
    dismiss_complaint,
    hide_content,
    report_content,
    restore_content,
)
from veche.notifications.models import Notification
from veche.organizations.models import Membership

pytestmark = pytest.mark.django_db
SHOWN_TEXT = "<strong>Баумана</strong>"


@pytest.fixture
def second_moderator():
    return make_staff(make_organization(), Membership.Role.MODERATOR)


@pytest.fixture
def hidden(comment, moderator):
    hide_content(moderator=moderator, target=comment, ground="obscene")
    return Decision.objects.get()


def told(user) -> dict[str, Notification]:
    """The person's notices by kind, read in English."""
    type(user).objects.filter(pk=user.pk).update(preferred_language="en")
    deliver_everything()
    return {notice.kind: notice for notice in Notification.objects.filter(user=user)}


def test_the_author_contests_once(hidden, comment):
    contest = contest_decision(user=comment.author, decision=hidden, text="Это не ругань.")
    assert (contest.decision, contest.author, contest.outcome) == (hidden, comment.author, "")
    assert AuditEvent.objects.filter(action="moderation.contested", actor=comment.author).exists()
    with pytest.raises(ValidationError, match="contested once"):
        contest_decision(user=comment.author, decision=hidden, text="Ещё раз.")
    assert Contest.objects.count() == 1


def test_only_the_author_contests(hidden, comment, resident, moderator):
    for stranger in (resident, moderator):
        with pytest.raises(PermissionDenied):
            contest_decision(user=stranger, decision=hidden, text="Не согласен.")
    assert not Contest.objects.exists()


def test_a_contest_needs_a_reason(hidden, comment):
    with pytest.raises(ValidationError, match="Say why"):
        contest_decision(user=comment.author, decision=hidden, text="   ")
    assert not Contest.objects.exists()


def test_the_window_to_contest_closes(hidden, comment, settings):
    later = timezone.now() + datetime.timedelta(
        days=settings.VECHE_MODERATION_CONTEST_DAYS, hours=1
    )
    with time_machine.travel(later), pytest.raises(ValidationError, match="has passed"):
        contest_decision(user=comment.author, decision=hidden, text="Поздно.")
    assert not Contest.objects.exists()


def test_a_dismissal_or_a_restoration_is_not_contested(comment, resident, moderator):
    complaint = report_content(reporter=resident, target=comment, reason="spam")
    dismiss_complaint(moderator=moderator, complaint=complaint)
    hide_content(moderator=moderator, target=comment, ground="spam")
    restore_content(moderator=moderator, target=comment)
    for decision in Decision.objects.exclude(action="hide"):
        with pytest.raises((ValidationError, PermissionDenied)):
            contest_decision(user=comment.author, decision=decision, text="Почему?")


def test_the_moderator_who_decided_does_not_decide_the_contest(hidden, comment, moderator):
    contest = contest_decision(user=comment.author, decision=hidden, text="Это не ругань.")
    with pytest.raises(PermissionDenied, match="another moderator"):
        decide_contest(moderator=moderator, contest=contest, uphold=False, answer="Я передумал.")
    contest.refresh_from_db()
    comment.refresh_from_db()
    assert contest.outcome == "" and comment.hidden_at is not None


def test_a_resident_does_not_decide_a_contest(hidden, comment, resident):
    contest = contest_decision(user=comment.author, decision=hidden, text="Это не ругань.")
    with pytest.raises(PermissionDenied):
        decide_contest(moderator=resident, contest=contest, uphold=False, answer="Да.")


def test_a_second_moderator_reverses_and_the_text_is_shown_again(
    client, hidden, comment, resident, second_moderator
):
    complaint = report_content(reporter=resident, target=make_reply(comment), reason="spam")
    contest = contest_decision(user=comment.author, decision=hidden, text="Это не ругань.")
    decide_contest(
        moderator=second_moderator, contest=contest, uphold=False, answer="Слово допустимо."
    )
    comment.refresh_from_db()
    contest.refresh_from_db()
    assert comment.hidden_at is None and comment.hidden_reason == ""
    assert (contest.outcome, contest.decided_by) == (Contest.Outcome.REVERSED, second_moderator)
    assert SHOWN_TEXT in client.get(comment.problem.get_absolute_url()).content.decode()
    event = AuditEvent.objects.get(action="moderation.contest_decided")
    assert (event.actor, event.data["outcome"]) == (second_moderator, "reversed")
    notices = told(comment.author)
    assert notices["moderation_decision"].title == "A moderator hid your text (comment)"
    answer = notices["moderation_contest_decided"]
    assert answer.title == "Your objection to a moderator's decision was considered"
    assert "reversed the decision" in answer.body
    assert "Слово допустимо." in answer.body
    complaint.refresh_from_db()
    assert complaint.status == Complaint.Status.OPEN  # a report about another item is untouched


def make_reply(comment):
    return add_comment(
        author=make_resident(comment.problem.territory), problem=comment.problem, text="Ответ."
    )


def test_a_second_moderator_upholds_and_the_text_stays_hidden(hidden, comment, second_moderator):
    contest = contest_decision(user=comment.author, decision=hidden, text="Это не ругань.")
    decide_contest(moderator=second_moderator, contest=contest, uphold=True, answer="Это ругань.")
    comment.refresh_from_db()
    assert comment.hidden_at is not None
    assert "upheld the decision" in told(comment.author)["moderation_contest_decided"].body
    with pytest.raises(ValidationError, match="already been decided"):
        decide_contest(moderator=second_moderator, contest=contest, uphold=False, answer="Нет.")


def test_reversing_a_block_lets_the_author_comment_again(comment, moderator, second_moderator):
    block = block_author(moderator=moderator, target=comment, ground="spam", days=None)
    with pytest.raises(PermissionDenied):
        add_comment(author=comment.author, problem=comment.problem, text="Можно?")
    contest = contest_decision(user=comment.author, decision=block, text="Я не спамер.")
    decide_contest(moderator=second_moderator, contest=contest, uphold=False, answer="Верно.")
    block.refresh_from_db()
    assert block.lifted_at is not None
    add_comment(author=comment.author, problem=comment.problem, text="Можно?")
    assert "no longer blocked" in told(comment.author)["moderation_contest_decided"].body


def test_a_decision_needs_an_answer(hidden, comment, second_moderator):
    contest = contest_decision(user=comment.author, decision=hidden, text="Это не ругань.")
    with pytest.raises(ValidationError, match="reasons"):
        decide_contest(moderator=second_moderator, contest=contest, uphold=True, answer=" ")
    contest.refresh_from_db()
    assert contest.outcome == ""
