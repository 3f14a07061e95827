"""A blocked account publishes, signs, comments and submits nothing until its block ends, and is
told why and until when; a block for good never ends; a lifted block stops at once."""

import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from tests.factories import make_discussion, make_problem, make_resident
from veche.appeals.services import add_comment, sign_appeal
from veche.discussions import services as discussions
from veche.moderation.models import Decision
from veche.moderation.services import block_author

# Made relative to today, checked against today: within one day (conftest.py).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("one_city_day")]


@pytest.fixture
def blocked(comment, moderator):
    """The comment's author, blocked for 10 days; a neighbour of the problem's territory."""
    block_author(moderator=moderator, target=comment, ground="obscene", days=10)
    return comment.author


def acts(person, territory):
    """Each act a block stops, as a callable."""
    discussion = make_discussion(territory=territory)
    appeal = make_problem(territory=territory).current_appeal
    return {
        "publish": lambda: make_problem(author=person, territory=territory),
        "sign": lambda: sign_appeal(user=person, appeal=appeal),
        "comment": lambda: add_comment(author=person, problem=appeal.problem, text="Снова я."),
        "submit": lambda: discussions.submit(
            user=person, discussion=discussion, kind="proposal", text="Моё предложение."
        ),
        "ask": lambda: discussions.submit(
            user=person, discussion=discussion, kind="question", text="Мой вопрос?"
        ),
    }


ACTS = ["publish", "sign", "comment", "submit", "ask"]


@pytest.mark.parametrize("act", ACTS)
def test_a_blocked_account_is_refused_with_the_ground_and_the_end_date(blocked, comment, act):
    until = Decision.objects.get().blocked_until
    with pytest.raises(PermissionDenied) as refusal:
        acts(blocked, comment.problem.territory)[act]()
    message = " ".join(refusal.value.args)
    assert "Your account is blocked by a moderator until" in message
    assert str(until.astimezone(timezone.get_current_timezone()).year) in message
    assert "obscene or offensive language" in message


@pytest.mark.parametrize("act", ACTS)
def test_when_the_block_ends_the_account_acts_again(blocked, comment, act):
    do = acts(blocked, comment.problem.territory)[act]
    with time_machine.travel(timezone.now() + datetime.timedelta(days=10, minutes=1)):
        do()


@pytest.mark.parametrize("act", ACTS)
def test_a_block_for_good_never_ends(comment, moderator, act):
    block_author(moderator=moderator, target=comment, ground="threats", days=None)
    do = acts(comment.author, comment.problem.territory)[act]
    # Later than a period's block would have run (the discussion still takes submissions then).
    later = timezone.now() + datetime.timedelta(days=10, minutes=2)
    with time_machine.travel(later), pytest.raises(PermissionDenied, match="blocked for good"):
        do()


def test_a_lifted_block_stops_at_once(blocked, comment):
    Decision.objects.update(lifted_at=timezone.now())
    acts(blocked, comment.problem.territory)["comment"]()


def test_other_people_are_not_blocked(blocked, comment):
    neighbour = make_resident(comment.problem.territory)
    for act in ACTS:
        acts(neighbour, comment.problem.territory)[act]()


def test_the_problem_page_tells_a_blocked_person_why_they_cannot_sign(client, blocked, comment):
    appeal = make_problem(territory=comment.problem.territory).current_appeal
    client.force_login(blocked)
    page = client.get(appeal.problem.get_absolute_url()).content.decode()
    assert "Your account is blocked by a moderator until" in page


def test_a_blocked_person_commenting_through_the_page_is_told_why_and_nothing_is_kept(
    client, blocked, comment
):
    client.force_login(blocked)
    count = comment.problem.comments.count()
    response = client.post(
        f"{comment.problem.get_absolute_url()}comment/", {"text": "Ещё раз."}, follow=True
    )
    assert "Your account is blocked by a moderator until" in response.content.decode()
    assert comment.problem.comments.count() == count
