"""The pages of advisory votes: voting and changing the ballot, the refusal with its reason, the
organizer's turnout without the choices, the results after the close."""

import pytest
from django.urls import reverse

from tests.factories import make_resident, make_territory
from tests.sign_in import enter
from veche.discussions.models import Ballot, VoteQuestion

from .votes_cast import close, make_voting, options, question

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(english_pages):
    pass


def test_an_eligible_resident_votes_and_changes_the_ballot(client):
    discussion = make_voting()
    person = make_resident(discussion.territory)
    client.force_login(person)
    page = client.get(reverse("discussions:votes", args=[discussion.pk]))
    assert page.status_code == 200
    assert b"Cast my ballot" in page.content and b"You cannot vote" not in page.content
    single = question(discussion, "single")
    yes, no = options(single)
    url = reverse("discussions:vote", args=[single.pk])
    answered = client.post(url, {"answer": yes}, follow=True)
    assert b"Your ballot is counted." in answered.content
    assert b"Change my ballot" in answered.content
    changed = client.post(url, {"answer": no}, follow=True)
    assert b"Your ballot is changed." in changed.content
    assert list(Ballot.objects.values_list("answer", flat=True)) == [[no]]


def test_a_ranking_is_sent_as_places_and_a_repeated_place_is_refused(client):
    discussion = make_voting()
    rank = question(discussion, "rank")
    school, clinic, park = options(rank)
    client.force_login(make_resident(discussion.territory))
    url = reverse("discussions:vote", args=[rank.pk])
    refused = client.post(url, {f"place-{school}": 1, f"place-{clinic}": 1, f"place-{park}": 2})
    assert refused.status_code == 302 and not Ballot.objects.exists()
    client.post(url, {f"place-{school}": "3", f"place-{clinic}": "1", f"place-{park}": "2"})
    assert Ballot.objects.get().answer == [clinic, park, school]
    page = client.get(reverse("discussions:votes", args=[discussion.pk])).content.decode()
    # The form shows the person's own ranking back.
    chosen = page.split(f'id="place-{clinic}"')[1].split("</select>")[0]
    assert '<option value="1" selected>' in chosen


@pytest.mark.parametrize("forged", ["9" * 5000, "²", "0"])
def test_a_place_that_is_no_place_is_refused(client, forged):
    discussion = make_voting()
    rank = question(discussion, "rank")
    school, clinic, park = options(rank)
    client.force_login(make_resident(discussion.territory))
    places = {f"place-{school}": forged, f"place-{clinic}": 1, f"place-{park}": 2}
    refused = client.post(reverse("discussions:vote", args=[rank.pk]), places)
    assert refused.status_code == 302 and not Ballot.objects.exists()


def test_a_resident_of_another_district_sees_why_they_cannot_vote(client):
    discussion = make_voting()
    client.force_login(make_resident(make_territory(en="Privolzhsky district")))
    page = client.get(reverse("discussions:votes", args=[discussion.pk]))
    assert b"You cannot vote" in page.content
    assert b"You must live in" in page.content and b"Cast my ballot" not in page.content
    single = question(discussion, "single")
    client.post(reverse("discussions:vote", args=[single.pk]), {"answer": options(single)[0]})
    assert not Ballot.objects.exists()


def test_the_organizer_sees_the_turnout_but_no_choice_until_the_close(client):
    discussion = make_voting()
    single = question(discussion, "single")
    for _ in range(3):
        client.force_login(make_resident(discussion.territory))
        client.post(reverse("discussions:vote", args=[single.pk]), {"answer": options(single)[0]})
    enter(client, discussion.created_by)
    for name in ("vote_questions", "votes"):
        page = client.get(reverse(f"discussions:{name}", args=[discussion.pk]))
        assert b"<strong>3</strong> people have voted so far" in page.content
        assert b"100.0" not in page.content and b"people voted" not in page.content
    close(discussion)
    client.logout()
    page = client.get(reverse("discussions:votes", args=[discussion.pk]))
    assert b"<strong>3</strong> people voted" in page.content and b"100.0" in page.content
    assert b"fewer than 5" in page.content  # three from one district: not given by number


def test_the_discussion_page_offers_the_vote(client):
    discussion = make_voting()
    page = client.get(discussion.get_absolute_url())
    assert b"Advisory vote" in page.content
    assert reverse("discussions:votes", args=[discussion.pk]).encode() in page.content


def test_the_organizer_adds_and_removes_a_question_before_the_voting(client):
    discussion = make_voting(stage="announced", questions=())
    enter(client, discussion.created_by)
    url = reverse("discussions:vote_questions", args=[discussion.pk])
    refused = client.post(url, {"kind": "single", "text": "Нужен ли сквер?", "options": "Да"})
    assert refused.status_code == 400 and b"Give from 2 to 20 answers" in refused.content
    client.post(
        url,
        {
            "kind": "scale",
            "text": "Оцените проект",
            "scale_min": "1",
            "scale_max": "10",
            "scale_max_label": "отлично",
        },
    )
    added = VoteQuestion.objects.get()
    assert (added.kind, added.scale_max, added.scale_max_label) == ("scale", 10, "отлично")
    client.post(reverse("discussions:remove_vote_question", args=[added.pk]))
    assert not VoteQuestion.objects.exists()


def test_a_stranger_cannot_manage_the_questions(client):
    discussion = make_voting(stage="announced")
    client.force_login(make_resident(discussion.territory))
    url = reverse("discussions:vote_questions", args=[discussion.pk])
    assert client.get(url).status_code in (403, 404)
    some = discussion.vote_questions.first()
    client.post(reverse("discussions:remove_vote_question", args=[some.pk]))
    assert discussion.vote_questions.count() == 4


@pytest.mark.parametrize(
    "data",
    [{}, {"answer": "x"}, {"answer": "99999999999999999999"}, {"answer": ["1", "1"]}],
)
def test_a_hostile_ballot_is_refused_with_a_message_and_stores_nothing(client, data):
    discussion = make_voting()
    client.force_login(make_resident(discussion.territory))
    for kind in ("single", "multiple", "scale", "rank"):
        found = question(discussion, kind)
        answered = client.post(reverse("discussions:vote", args=[found.pk]), data, follow=True)
        assert answered.status_code == 200
        assert b"Your ballot is counted." not in answered.content
    assert not Ballot.objects.exists()
    assert client.post(reverse("discussions:vote", args=[999999])).status_code == 404


def test_the_organizer_edits_a_question_before_the_voting_and_not_after(client):
    discussion = make_voting(stage="announced")
    enter(client, discussion.created_by)
    single = question(discussion, "single")
    url = reverse("discussions:change_vote_question", args=[single.pk])
    form = client.get(url)
    assert "Да\nНет</textarea>" in form.content.decode()
    client.post(url, {"kind": "single", "text": "Нужен ли сквер у школы?", "options": "Да\nНет\n?"})
    single.refresh_from_db()
    assert single.text == "Нужен ли сквер у школы?"
    assert [o.text for o in single.options.all()] == ["Да", "Нет", "?"]
    close(discussion)  # the voting is over: nothing changes any more
    refused = client.post(url, {"kind": "single", "text": "Поздно", "options": "Да\nНет"})
    assert refused.status_code == 400
    single.refresh_from_db()
    assert single.text == "Нужен ли сквер у школы?"
