"""Erasing an account and the discussions the person took part in: submissions stay in the
protocol with their identification data but lose the link to the account, an undecided
application is withdrawn, follows go, replies stay under the participant number, marks keep
counting, and votes too once their question closed, while a ballot on a question still open is
withdrawn; and the export holds all of them, the person's own ballots included (README,
"Personal data")."""

import json

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.factories import make_discussion, make_organization, make_resident, make_user, tiny_pdf
from tests.sign_in import with_second_factor
from veche.accounts.services import erase_account, export_personal_data
from veche.core.models import AuditEvent
from veche.discussions import queries_debate, queries_votes, services
from veche.discussions.models import Application, Ballot, Follow, Reply, Submission, Voter
from veche.discussions.tests.organizer_cast import make_legal_entity_representative
from veche.identity.services import import_census, verify_by_census

from .votes_cast import close, make_voting, options, question

pytestmark = pytest.mark.django_db
PROPOSAL = "Сохранить все деревья вдоль улицы при реконструкции."


@pytest.fixture
def discussion():
    return make_discussion()


@pytest.fixture
def participant(discussion):
    person = make_resident(discussion.territory, last_name="Лавлейс", first_name="Ада")
    services.submit(user=person, discussion=discussion, kind="proposal", text=PROPOSAL)
    services.set_following(user=person, discussion=discussion, follow=True)
    return person


def apply(developer, territory):
    return services.apply_for_discussion(
        user=developer,
        organization=make_organization(jurisdiction=[territory]),
        subject="conditional_use",
        title="Склад на участке 16:50:000000:123",
        description="Просим провести общественные обсуждения.",
        territory=territory,
        document=SimpleUploadedFile("project.pdf", tiny_pdf(), "application/pdf"),
    )


def test_the_export_holds_submissions_applications_and_follows(discussion, participant):
    developer = make_legal_entity_representative()
    application = apply(developer, discussion.territory)
    services.set_following(user=developer, territory=discussion.territory, follow=True)

    mine = export_personal_data(user=participant)
    [submission] = mine["discussion_submissions"]
    assert submission["text"] == PROPOSAL
    assert submission["identification"]["full_name"].startswith("Лавлейс")
    assert [f["discussion"] for f in mine["discussion_follows"]] == [discussion.pk]
    assert mine["discussion_applications"] == []

    theirs = export_personal_data(user=developer)
    [filed] = theirs["discussion_applications"]
    assert (filed["id"], filed["status"]) == (application.pk, "pending")
    assert filed["legal_entity"]["ogrn"] == "1027700132195"
    assert [f["territory"] for f in theirs["discussion_follows"]] == [discussion.territory.code]
    assert theirs["discussion_submissions"] == []


def test_a_submission_keeps_its_identification_for_the_protocol_but_not_the_account(
    discussion, participant
):
    erase_account(user=participant)
    submission = Submission.objects.get(discussion=discussion)
    assert submission.author is None
    assert submission.text == PROPOSAL
    assert submission.participant["full_name"].startswith("Лавлейс")
    assert str(submission.public_author) == f"Participant No. {submission.participant_number}"
    assert not Follow.objects.filter(user=participant).exists()


def test_an_undecided_application_is_withdrawn_with_its_document(
    discussion, settings, django_capture_on_commit_callbacks
):
    developer = make_legal_entity_representative()
    application = apply(developer, discussion.territory)
    document = settings.MEDIA_ROOT / application.document.name
    assert document.exists()

    with django_capture_on_commit_callbacks(execute=True):
        erase_account(user=developer)

    assert not Application.objects.filter(pk=application.pk).exists()
    assert not document.exists()


def test_a_decided_application_stays_as_the_authoritys_record(discussion):
    developer = make_legal_entity_representative()
    application = apply(developer, discussion.territory)
    Application.objects.filter(pk=application.pk).update(status=Application.Status.REFUSED)
    erase_account(user=developer)
    assert Application.objects.filter(pk=application.pk).exists()


# --- The debate and the votes ---------------------------------------------------------------

REPLY = "Поддерживаю: деревья дают тень детской площадке."


@pytest.fixture
def neighbour(discussion, participant):
    """A resident who answers the participant's proposal, supports it and votes."""
    person = make_resident(discussion.territory, last_name="Бэббидж", first_name="Чарльз")
    proposal = Submission.objects.get(author=participant)
    services.reply_to_submission(author=person, submission=proposal, text=REPLY)
    services.mark_submission(user=person, submission=proposal, kind="support")
    return person


def test_the_export_holds_the_persons_replies_and_marks_and_no_one_elses_text(
    participant, neighbour
):
    proposal = Submission.objects.get(author=participant)
    theirs = Reply.objects.get(author=neighbour)
    services.reply_to_submission(author=participant, submission=proposal, text="Спасибо!")

    exported = export_personal_data(user=neighbour)

    [reply] = exported["discussion_replies"]
    assert reply["text"] == REPLY
    assert (reply["discussion"], reply["submission"]) == (proposal.discussion_id, proposal.pk)
    assert reply["participant_number"] == theirs.participant_number
    [mark] = exported["discussion_marks"]
    assert (mark["submission"], mark["kind"]) == (proposal.pk, "support")
    text = json.dumps(exported, ensure_ascii=False)
    assert PROPOSAL not in text and "Спасибо!" not in text  # the participant's, as numbers
    mine = export_personal_data(user=participant)
    assert [r["text"] for r in mine["discussion_replies"]] == ["Спасибо!"]
    assert mine["discussion_marks"] == []
    assert REPLY not in json.dumps(mine, ensure_ascii=False)


def test_erasure_leaves_replies_under_the_participant_number_and_marks_counting(
    participant, neighbour
):
    proposal = Submission.objects.get(author=participant)
    erase_account(user=neighbour)
    reply = Reply.objects.get(submission=proposal)
    assert reply.text == REPLY
    assert str(reply.public_author) == f"Participant No. {reply.participant_number}"
    shown = queries_debate.with_counts(Submission.objects.filter(pk=proposal.pk)).get()
    assert (shown.support_count, shown.reply_count) == (1, 1)


@pytest.fixture
def voting():
    return make_voting()


def test_the_export_holds_the_questions_voted_on_with_the_persons_own_answers(voting):
    single, scale = question(voting, "single"), question(voting, "scale")
    yes, no = options(single)
    voter = make_resident(voting.territory)
    services.cast_vote(user=voter, question=single, answer=[yes])
    services.cast_vote(user=voter, question=scale, answer=[4])
    services.cast_vote(user=make_resident(voting.territory), question=single, answer=[no])

    exported = export_personal_data(user=voter)["discussion_votes"]

    assert [(v["question"], v["answer"]) for v in exported] == [(single.pk, [yes]), (scale.pk, [4])]
    assert {v["discussion"] for v in exported} == {voting.pk}
    assert all(v["counted"] and v["voted_at"] for v in exported)
    assert exported[0]["basis"] == "resident"


def test_a_ballot_that_can_no_longer_be_found_is_exported_as_participation_only(voting, settings):
    single = question(voting, "single")
    voter = make_resident(voting.territory)
    services.cast_vote(user=voter, question=single, answer=options(single)[:1])
    settings.VECHE_VOTE_SECRET = "another key"  # the key of the ballots' keys changed

    [vote] = export_personal_data(user=voter)["discussion_votes"]

    assert (vote["question"], vote["counted"], vote["answer"]) == (single.pk, True, None)


def test_erasure_leaves_a_closed_questions_vote_counted(voting):
    single = question(voting, "single")
    yes, _no = options(single)
    voter = make_resident(voting.territory)
    services.cast_vote(user=voter, question=single, answer=[yes])
    close(voting)
    erase_account(user=voter)
    assert Voter.objects.filter(question=single, counted=True).count() == 1
    assert list(Ballot.objects.filter(question=single).values_list("answer", flat=True)) == [[yes]]
    assert queries_votes.results(question(voting, "single")).voters == 1  # published, it stays


def test_erasure_withdraws_the_ballots_on_questions_not_yet_closed(voting):
    single, scale = question(voting, "single"), question(voting, "scale")
    yes, no = options(single)
    voter, other = make_resident(voting.territory), make_resident(voting.territory)
    services.cast_vote(user=voter, question=single, answer=[yes])
    services.cast_vote(user=voter, question=scale, answer=[4])
    services.cast_vote(user=other, question=single, answer=[no])

    erase_account(user=voter)

    assert not Voter.objects.filter(person=voter).exists()
    assert list(Ballot.objects.values_list("answer", flat=True)) == [[no]]  # the other's only
    assert queries_votes.voters_count(single) == 1 and queries_votes.voters_count(scale) == 0
    withdrawn = AuditEvent.objects.filter(action="discussion.vote_withdrawn")
    assert sorted(int(e.object_id) for e in withdrawn) == sorted([single.pk, scale.pk])
    assert all(e.data == {"discussion": voting.pk, "reason": "account erased"} for e in withdrawn)
    close(voting)
    assert queries_votes.results(question(voting, "single")).voters == 1


def test_a_ballot_lost_to_a_changed_vote_key_stays_with_its_voter_row(voting, settings):
    single = question(voting, "single")
    voter = make_resident(voting.territory)
    services.cast_vote(user=voter, question=single, answer=options(single)[:1])
    settings.VECHE_VOTE_SECRET = "another key"  # the ballot can no longer be found
    erase_account(user=voter)
    assert (Voter.objects.filter(question=single).count(), Ballot.objects.count()) == (1, 1)


def test_a_person_erased_and_registered_again_with_the_same_census_entry_votes_once():
    """Erasure deletes the verifications, which frees the census entry for a new account: the
    ballot of the erased one must go, or the same person is counted once per account."""
    discussion = make_voting(min_age=18)
    operator = make_user(is_staff=True)
    operator.user_permissions.add(
        *Permission.objects.filter(codename__in=["add_censusimport", "upload_census"])
    )
    import_census(
        territory=discussion.territory,
        file_name="census.csv",
        content="identifier,birthdate,address\n9204 123456,1990-04-12,ул. Пушкина 5\n".encode(),
        uploaded_by=with_second_factor(operator),
    )
    single = question(discussion, "single")
    yes, no = options(single)
    for answer in (yes, no, yes):
        account = make_user()
        verify_by_census(user=account, identifier="9204 123456", birthdate="12.04.1990")
        services.cast_vote(user=account, question=single, answer=[answer])
        erase_account(user=account)
    last = make_user()
    verify_by_census(user=last, identifier="9204 123456", birthdate="12.04.1990")
    services.cast_vote(user=last, question=single, answer=[no])

    assert Voter.objects.filter(question=single, counted=True).count() == 1
    close(discussion)
    counted = queries_votes.results(question(discussion, "single"))
    assert counted.voters == 1
    assert [(row.text, row.count) for row in counted.options] == [("Да", 0), ("Нет", 1)]
