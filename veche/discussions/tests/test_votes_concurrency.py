"""Votes under real concurrency on PostgreSQL: every parallel voter is counted once, one person
voting from many tabs at once keeps one ballot, and ballots racing their account's erasure
leave none."""

import pytest

from tests.concurrency import ONLY_POSTGRESQL, at_once
from tests.factories import make_resident
from veche.accounts.services import erase_account
from veche.discussions import queries_votes, services
from veche.discussions.models import Ballot, VoteQuestion, Voter

from .votes_cast import close, make_voting, options, question

pytestmark = [pytest.mark.django_db(transaction=True), ONLY_POSTGRESQL]
THREADS = 12


@pytest.fixture(autouse=True)
def _quiet(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


def test_thirty_voters_at_once_are_all_counted_exactly():
    discussion = make_voting()
    single = question(discussion, "single")
    yes, no = options(single)
    people = [make_resident(discussion.territory) for _ in range(30)]
    choice = {person.pk: yes if number % 3 else no for number, person in enumerate(people)}

    def vote(person):
        services.cast_vote(
            user=person, question=VoteQuestion.objects.get(pk=single.pk), answer=[choice[person.pk]]
        )

    assert at_once(vote, people, threads=THREADS) == {"done": 30}
    close(discussion)
    single.discussion = discussion
    counted = queries_votes.results(single)
    assert counted.voters == Voter.objects.filter(question=single).count() == 30
    assert [row.count for row in counted.options] == [20, 10]


def test_one_person_voting_from_many_tabs_at_once_keeps_one_ballot():
    discussion = make_voting()
    single = question(discussion, "single")
    yes, no = options(single)
    person = make_resident(discussion.territory)
    presses = [yes, no] * 12

    def vote(option):
        services.cast_vote(
            user=person, question=VoteQuestion.objects.get(pk=single.pk), answer=[option]
        )

    assert at_once(vote, presses, threads=THREADS) == {"done": 24}
    assert Voter.objects.filter(question=single, person=person).count() == 1
    (answer,) = Ballot.objects.filter(question=single).values_list("answer", flat=True)
    assert answer in ([yes], [no])


def test_ballots_racing_the_erasure_of_their_account_leave_nothing_counted():
    """One tab erases the account while others vote: a ballot stored before the erasure is
    withdrawn by it, one that comes after finds the account erased, so nothing stays to count
    once more when the person registers again with the same identity."""
    discussion = make_voting()
    single = question(discussion, "single")
    yes, no = options(single)
    person = make_resident(discussion.territory)
    other = make_resident(discussion.territory)
    services.cast_vote(user=person, question=single, answer=[yes])
    services.cast_vote(user=other, question=single, answer=[no])

    def act(step):
        if step == "erase":
            erase_account(user=type(person).objects.get(pk=person.pk))
        else:
            services.cast_vote(
                user=person, question=VoteQuestion.objects.get(pk=single.pk), answer=[step]
            )

    outcome = at_once(act, [no, yes, no, "erase", yes, no, yes, no, yes, no, yes, no])
    assert sum(outcome.values()) == 12
    assert not Voter.objects.filter(question=single, person=person).exists()
    assert Voter.objects.filter(question=single).count() == 1
    assert list(Ballot.objects.filter(question=single).values_list("answer", flat=True)) == [[no]]
