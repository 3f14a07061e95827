"""Votes under real concurrency on PostgreSQL: every parallel voter is counted once, and one
person voting from many tabs at once keeps one ballot."""

import pytest

from tests.concurrency import ONLY_POSTGRESQL, at_once
from tests.factories import make_resident
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
