"""The advisory votes in the open data: a closed question's answers and its turnout, a small
group without its number, an open question not at all."""

import pytest

from tests.factories import make_resident
from veche.discussions import services
from veche.discussions.tests.votes_cast import (
    close,
    make_voting,
    options,
    question,
    vote_by_parts,
)
from veche.opendata import dumps
from veche.opendata.tests.test_dumps import read_csv

pytestmark = pytest.mark.django_db


def test_a_closed_vote_is_in_the_dump_and_an_open_one_is_not(client, settings):
    settings.VECHE_VOTE_SMALL_CELL = 5
    concluded, running = make_voting(), make_voting()
    for discussion in (concluded, running):
        single = question(discussion, "single")
        services.cast_vote(
            user=make_resident(discussion.territory), question=single, answer=options(single)[:1]
        )
    close(concluded)
    day = dumps.dump_day().day
    answers = read_csv(client, day, "vote_results")
    assert {row["discussion"] for row in answers} == {str(concluded.pk)}
    single = [row for row in answers if row["kind"] == "single"]
    assert [(row["answer"], row["count"], row["voters"]) for row in single] == [
        ("Да", "1", "1"),
        ("Нет", "0", "1"),
    ]
    assert len([row for row in answers if row["kind"] == "scale"]) == 5
    # One voter: too few to break the turnout down, so the question has no turnout rows.
    turnout = [row for row in read_csv(client, day, "vote_turnout") if row["kind"] == "single"]
    assert turnout == []


def test_the_turnout_hides_a_small_group_with_the_ones_that_would_give_it_away(client, settings):
    settings.VECHE_VOTE_SMALL_CELL = 5
    _discussion, single = vote_by_parts()
    day = dumps.dump_day().day
    rows = [
        row for row in read_csv(client, day, "vote_turnout") if row["question_id"] == str(single.pk)
    ]
    for dimension in ("area", "age"):
        counts = [row["count"] for row in rows if row["dimension"] == dimension]
        assert sorted(counts) == sorted(["7"] + [""] * (len(counts) - 1))
        assert len(counts) >= 5
