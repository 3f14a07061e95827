"""Advisory votes: who may vote and why not, one ballot per person that they can change until
the close, results only after the close, and the secrecy of the ballot."""

import datetime
import hashlib

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import timezone

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
    # On a day that has its date 18 years before (on 29 February, or on 28 February before one,
    # it has none, and "18 tomorrow" cannot be written so): the middle of next June.
    june = datetime.datetime(timezone.localdate().year + 1, 6, 15, 12)
    with time_machine.travel(timezone.make_aware(june)):
        discussion = make_voting()
        single = question(discussion, "single")
        today = timezone.localdate()
        seventeen = make_resident(
            discussion.territory,
            birthdate=today.replace(year=today.year - 18) + datetime.timedelta(1),
        )
        decision = queries_votes.vote_decision(seventeen, single)
        assert not decision.allowed and "you are 17 years old" in " ".join(decision.reasons)
        tomorrow = timezone.now() + datetime.timedelta(days=1)
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
    # Every band is listed, the empty ones too; 4 is not small under a small cell of 3.
    assert [cell.label for cell in counted.by_age][:5] == settings.VECHE_VOTE_AGE_GROUPS
    assert [(cell.label, cell.count) for cell in counted.by_age if cell.count] in (
        [("45-59", 4)],
        [("30-44", 4)],
    )
    assert not any(cell.hidden for cell in counted.by_age)
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


def test_a_turnout_smaller_than_the_small_cell_is_not_broken_down(settings):
    settings.VECHE_VOTE_SMALL_CELL = 5
    discussion = make_voting()
    single = question(discussion, "single")
    for _ in range(2):
        services.cast_vote(
            user=make_resident(discussion.territory), question=single, answer=options(single)[:1]
        )
    close(discussion)
    single.discussion = discussion
    counted = queries_votes.results(single)
    assert counted.voters == 2
    assert (counted.by_area, counted.by_age) == ([], [])


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


def test_a_question_closed_before_the_discussion_was_cancelled_keeps_its_results(client):
    discussion = make_voting()
    single = question(discussion, "single")
    _yes, no = options(single)
    for _ in range(3):
        services.cast_vote(user=make_resident(discussion.territory), question=single, answer=[no])
    close(discussion)
    services.cancel_discussion(user=discussion.created_by, discussion=discussion, reason="Отозван")

    discussion.refresh_from_db()
    assert discussion.cancelled_at is not None
    single = question(discussion, "single")
    assert single.state == "closed"
    assert queries_votes.results(single).voters == 3
    api = client.get(f"/api/v1/discussions/{discussion.pk}/votes/").json()
    assert (api[0]["state"], api[0]["results"]["voters"]) == ("closed", 3)
    page = client.get(f"/discussions/{discussion.pk}/votes/", HTTP_ACCEPT_LANGUAGE="en")
    assert "3</strong> people voted" in page.content.decode()


def test_a_question_still_open_when_the_discussion_is_cancelled_publishes_nothing(client):
    discussion = make_voting()
    single = question(discussion, "single")
    services.cast_vote(
        user=make_resident(discussion.territory), question=single, answer=options(single)[:1]
    )
    services.cancel_discussion(user=discussion.created_by, discussion=discussion, reason="Отозван")
    discussion.refresh_from_db()
    single = question(discussion, "single")
    after_the_close = single.closes + datetime.timedelta(days=1)
    assert single.state_at(after_the_close) == "cancelled"
    assert queries_votes.results(single, moment=after_the_close) is None
    api = client.get(f"/api/v1/discussions/{discussion.pk}/votes/").json()
    assert (api[0]["state"], api[0]["results"]) == ("cancelled", None)


def test_a_discussion_cancelled_before_its_moment_was_kept_takes_it_from_the_audit_log():
    import importlib

    from django.apps import apps

    from veche.discussions.models import Discussion

    migration = importlib.import_module("veche.discussions.migrations.0010_discussion_cancelled_at")
    discussion = make_voting()
    close(discussion)
    services.cancel_discussion(user=discussion.created_by, discussion=discussion, reason="Отозван")
    event = AuditEvent.objects.get(action="discussion.cancelled", object_id=str(discussion.pk))
    Discussion.objects.filter(pk=discussion.pk).update(cancelled_at=None)
    assert question(Discussion.objects.get(pk=discussion.pk), "single").state == "cancelled"

    migration.from_the_audit_log(apps, None)

    discussion.refresh_from_db()
    assert discussion.cancelled_at == event.created_at
    assert question(discussion, "single").state == "closed"


def test_a_settled_count_is_kept_and_a_fresh_close_is_counted_anew(settings):
    """A closed question's count is kept once its close is SETTLED_AFTER behind (it took 0.57 s
    per view for 60,000 ballots); before that, a ballot committed just after the close still
    gets in. The kept count is the one a fresh count gives."""
    discussion = make_voting()
    single = question(discussion, "single")
    yes, no = options(single)
    for answer in (yes, yes, no):
        services.cast_vote(
            user=make_resident(discussion.territory), question=single, answer=[answer]
        )
    close(discussion)
    single = question(discussion, "single")
    closes = single.closes
    just_after = closes + datetime.timedelta(minutes=1)
    settled = closes + queries_votes.SETTLED_AFTER

    def counts(moment):
        return [row.count for row in queries_votes.results(single, moment=moment).options]

    assert counts(just_after) == [2, 1]
    late = make_resident(discussion.territory)  # a ballot that committed just after the close
    Ballot.objects.create(
        question=single, key=queries_votes.ballot_key(single.pk, late.pk), answer=[no]
    )
    assert counts(just_after) == [2, 2]  # not kept yet: counted anew
    assert counts(settled) == [2, 2]
    Ballot.objects.filter(question=single).delete()  # what no ballot does once closed
    assert counts(settled + datetime.timedelta(hours=1)) == [2, 2]  # kept
    assert counts(just_after) == [0, 0]  # and a fresh count sees the table as it is
