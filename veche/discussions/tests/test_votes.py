"""Advisory votes: who may vote and why not, one ballot per person that they can change until
the close, results only after the close, and the secrecy of the ballot."""

import datetime
import hashlib

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from tests.factories import make_resident, make_territory, make_user
from veche.core.models import AuditEvent
from veche.discussions import queries_votes, services
from veche.discussions.models import Ballot, Voter

from .votes_cast import close, make_voting, options, question

pytestmark = pytest.mark.django_db


def test_an_eligible_resident_votes_once_and_changes_the_ballot():
    discussion = make_voting()
    single = question(discussion, "single")
    yes, no = options(single)
    person = make_resident(discussion.territory)
    assert services.cast_vote(user=person, question=single, answer=[yes]) is False
    assert services.cast_vote(user=person, question=single, answer=[no]) is True
    assert Voter.objects.filter(question=single).count() == 1
    assert list(Ballot.objects.filter(question=single).values_list("answer", flat=True)) == [[no]]
    assert queries_votes.my_answer(person, single) == [no]


def test_a_resident_elsewhere_is_refused_with_the_reason():
    discussion = make_voting()
    elsewhere = make_resident(make_territory(en="Elsewhere"))
    with pytest.raises(PermissionDenied, match="You must live in"):
        services.cast_vote(user=elsewhere, question=question(discussion, "single"), answer=[1])
    assert not Ballot.objects.exists()


def test_the_age_counts_on_the_day_of_voting():
    discussion = make_voting()
    single = question(discussion, "single")
    today = datetime.date.today()
    seventeen = make_resident(
        discussion.territory, birthdate=today.replace(year=today.year - 18) + datetime.timedelta(1)
    )
    decision = queries_votes.vote_decision(seventeen, single)
    assert not decision.allowed and "you are 17 years old" in " ".join(decision.reasons)
    tomorrow = datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=1)
    assert queries_votes.vote_decision(seventeen, single, moment=tomorrow).allowed


def test_an_unverified_account_is_told_to_verify():
    decision = queries_votes.vote_decision(make_user(), question(make_voting(), "single"))
    assert not decision.allowed and decision.remedy == "verify"


def test_voting_is_refused_before_it_opens_and_after_it_closes():
    waiting = make_voting(stage="announced")
    person = make_resident(waiting.territory)
    with pytest.raises(PermissionDenied, match="Voting opens on"):
        services.cast_vote(user=person, question=question(waiting, "single"), answer=[1])
    closed = make_voting(stage="review")
    with pytest.raises(PermissionDenied, match="Voting closed on"):
        services.cast_vote(user=person, question=question(closed, "single"), answer=[1])


@pytest.mark.parametrize(
    ("kind", "answer"),
    [
        ("single", "both"),
        ("single", "none"),
        ("multiple", "repeated"),
        ("scale", [0]),
        ("scale", ["x"]),
        ("rank", "partial"),
    ],
)
def test_a_malformed_answer_is_refused_and_nothing_is_stored(kind, answer):
    discussion = make_voting()
    found = question(discussion, kind)
    ids = options(found)
    answer = (
        {
            "both": ids[:2],
            "none": [],
            "repeated": [ids[0], ids[0]],
            "partial": ids[:2],
        }.get(answer, answer)
        if isinstance(answer, str)
        else answer
    )
    with pytest.raises(ValidationError):
        services.cast_vote(user=make_resident(discussion.territory), question=found, answer=answer)
    assert not Voter.objects.exists() and not Ballot.objects.exists()


def test_results_are_hidden_until_the_close_then_counted_from_the_ballots(settings):
    settings.VECHE_VOTE_SMALL_CELL = 3
    discussion = make_voting()
    single, scale, rank = (question(discussion, kind) for kind in ("single", "scale", "rank"))
    yes, no = options(single)
    school, clinic, park = options(rank)
    people = [make_resident(discussion.territory) for _ in range(4)]
    for number, person in enumerate(people):
        services.cast_vote(user=person, question=single, answer=[yes if number else no])
        services.cast_vote(user=person, question=scale, answer=[number + 2])
        services.cast_vote(
            user=person,
            question=rank,
            answer=[park, school, clinic] if number else [school, clinic, park],
        )
    assert queries_votes.results(single) is None
    close(discussion)
    single.discussion = scale.discussion = rank.discussion = discussion
    counted = queries_votes.results(single)
    assert counted.voters == 4
    assert [(row.text, row.count, row.share) for row in counted.options] == [
        ("Да", 3, 75.0),
        ("Нет", 1, 25.0),
    ]
    assert [cell.count for cell in counted.by_age] == [4]
    assert counted.by_age[0].label == "45-59" or counted.by_age[0].label == "30-44"
    marks = queries_votes.results(scale)
    assert (marks.mean, marks.median) == (3.5, 3.5)
    assert [row.count for row in marks.scale] == [0, 1, 1, 1, 1]
    ranked = queries_votes.results(rank)
    # Borda with 3 options: 2, 1, 0 points. Park: 3×2 + 0 = 6; school: 3×1 + 2 = 5; clinic: 1.
    assert [(row.text, row.points) for row in ranked.options] == [
        ("Парк", 6),
        ("Школу", 5),
        ("Поликлинику", 1),
    ]


def test_small_groups_of_the_turnout_are_not_told_apart(settings):
    settings.VECHE_VOTE_SMALL_CELL = 5
    discussion = make_voting()
    single = question(discussion, "single")
    for _ in range(2):
        services.cast_vote(
            user=make_resident(discussion.territory), question=single, answer=options(single)[:1]
        )
    close(discussion)
    single.discussion = discussion
    (area,) = queries_votes.results(single).by_area
    assert area.small and area.count == 2


def test_the_ballot_table_has_no_link_to_the_person_or_the_moment(settings):
    columns = {field.column for field in Ballot._meta.concrete_fields}
    assert columns == {"id", "question_id", "key", "answer"}
    assert Ballot._meta.pk.get_internal_type() == "UUIDField"
    discussion = make_voting()
    single = question(discussion, "single")
    person = make_resident(discussion.territory)
    services.cast_vote(user=person, question=single, answer=options(single)[:1])
    ballot = Ballot.objects.get()
    # The key is the voter's only under the server's secret: without it, it cannot be remade.
    assert ballot.key == queries_votes.ballot_key(single.pk, person.pk)
    unkeyed = hashlib.sha256(f"{single.pk}:{person.pk}".encode()).hexdigest()
    settings.VECHE_VOTE_SECRET = "another key"
    assert ballot.key not in (unkeyed, queries_votes.ballot_key(single.pk, person.pk))
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM discussions_ballot")
        (row,) = cursor.fetchall()
    assert person.email not in repr(row)


def test_the_audit_records_the_vote_but_never_the_choice():
    discussion = make_voting()
    single = question(discussion, "single")
    yes, _no = options(single)
    services.cast_vote(user=make_resident(discussion.territory), question=single, answer=[yes])
    event = AuditEvent.objects.get(action="discussion.vote_cast")
    assert set(event.data) <= {"discussion", "via"}
    assert event.data["discussion"] == discussion.pk


def test_questions_are_set_only_before_the_voting_starts():
    discussion = make_voting(questions=())
    with pytest.raises(ValidationError, match="before the voting starts"):
        services.add_question(
            user=discussion.created_by,
            discussion=discussion,
            fields={"kind": "single", "text": "Поздно?"},
            options=["Да", "Нет"],
        )


def test_only_the_organizer_sets_questions_and_each_needs_two_answers():
    discussion = make_voting(stage="announced", questions=())
    with pytest.raises(PermissionDenied):
        services.add_question(
            user=make_resident(discussion.territory),
            discussion=discussion,
            fields={"kind": "single", "text": "Вопрос?"},
            options=["Да", "Нет"],
        )
    with pytest.raises(ValidationError, match="from 2 to"):
        services.add_question(
            user=discussion.created_by,
            discussion=discussion,
            fields={"kind": "single", "text": "Вопрос?"},
            options=["Да"],
        )
    found = services.add_question(
        user=discussion.created_by,
        discussion=discussion,
        fields={"kind": "rank", "text": "Вопрос?"},
        options=["А", "Б", ""],
    )
    assert [option.text for option in found.options.all()] == ["А", "Б"]
    services.remove_question(user=discussion.created_by, question=found)
    assert not discussion.vote_questions.exists()


def test_the_protocol_prints_the_closed_questions_as_advisory_results(english_documents):
    from veche.discussions.records.content import protocol_record

    discussion = make_voting()
    single = question(discussion, "single")
    yes, _no = options(single)
    services.cast_vote(user=make_resident(discussion.territory), question=single, answer=[yes])
    assert protocol_record(discussion, draft=True).votes == ()  # still open: not yet
    close(discussion)
    summaries = protocol_record(discussion, draft=True).votes
    assert [vote.question for vote in summaries] == [
        "Нужен ли сквер?",
        "Что разместить в сквере?",
        "Как вы оцениваете проект?",
        "Что строить сначала?",
    ]
    assert summaries[0].turnout == "1 person voted."
    assert summaries[0].rows == [("Да", "1 (100.0%)"), ("Нет", "0 (0.0%)")]
    assert summaries[3].note.startswith("Borda count")
    import io

    import docx

    from veche.discussions.records.word import protocol_docx

    document = docx.Document(io.BytesIO(protocol_docx(discussion)))
    text = "\n".join(paragraph.text for paragraph in document.paragraphs)
    assert "6. Advisory vote results" in text and "1 person voted." in text


def test_a_ballot_lost_to_a_changed_vote_key_is_not_counted_twice(settings):
    discussion = make_voting()
    single = question(discussion, "single")
    yes, no = options(single)
    person = make_resident(discussion.territory)
    services.cast_vote(user=person, question=single, answer=[yes])
    settings.VECHE_VOTE_SECRET = "a new key"
    with pytest.raises(ValidationError, match="can no longer be changed"):
        services.cast_vote(user=person, question=single, answer=[no])
    assert list(Ballot.objects.values_list("answer", flat=True)) == [[yes]]
