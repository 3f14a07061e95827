"""The advisory vote in the API: the questions at once, the results only after the close, and
never a ballot or a voter."""

import pytest

from tests.factories import make_resident
from veche.discussions import services
from veche.discussions.models import Ballot
from veche.discussions.tests.votes_cast import (
    close,
    make_voting,
    options,
    question,
    vote_by_parts,
)

pytestmark = pytest.mark.django_db


def test_the_questions_are_given_and_the_results_only_after_the_close(client, settings):
    settings.VECHE_VOTE_SMALL_CELL = 5
    discussion = make_voting()
    single = question(discussion, "single")
    yes, _no = options(single)
    person = make_resident(discussion.territory)
    services.cast_vote(user=person, question=single, answer=[yes])
    url = f"/api/v1/discussions/{discussion.pk}/votes/"
    running = client.get(url).json()
    assert [row["kind"] for row in running] == ["single", "multiple", "scale", "rank"]
    assert running[0]["options"] == ["Да", "Нет"] and running[0]["state"] == "open"
    assert all(row["results"] is None for row in running)
    close(discussion)
    closed = client.get(url).json()
    results = closed[0]["results"]
    assert results["voters"] == 1
    assert [(row["text"], row["count"]) for row in results["options"]] == [("Да", 1), ("Нет", 0)]
    assert results["by_area"] == results["by_age"] == []  # one voter: no breakdown
    assert closed[2]["scale_min"] == 1 and closed[3]["results"]["method"].startswith("Borda")
    body = client.get(url).content.decode()
    assert Ballot.objects.get().key not in body and person.email not in body


def test_a_draft_discussion_has_no_public_vote(client):
    discussion = make_voting(stage="announced", publish=False)
    assert client.get(f"/api/v1/discussions/{discussion.pk}/votes/").status_code == 404


def test_a_small_turnout_group_is_not_the_total_minus_the_others(client, settings):
    settings.VECHE_VOTE_SMALL_CELL = 5
    discussion, single = vote_by_parts()
    found = client.get(f"/api/v1/discussions/{discussion.pk}/votes/", HTTP_ACCEPT_LANGUAGE="en")
    results = next(row for row in found.json() if row["id"] == single.pk)["results"]
    assert results["voters"] == 14
    for dimension in ("by_area", "by_age"):
        shown = [cell["count"] for cell in results[dimension] if cell["count"] is not None]
        assert shown == [7]  # 14 - 7: seven people in several hidden groups, not one
        assert all(set(cell) == {"label", "count"} for cell in results[dimension])
