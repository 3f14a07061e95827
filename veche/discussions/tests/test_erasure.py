"""Erasing an account and the discussions the person took part in: submissions stay in the
protocol with their identification data but lose the link to the account, an undecided
application is withdrawn, follows go; and the export holds all three (README, "Personal data")."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.factories import make_discussion, make_organization, make_resident, tiny_pdf
from veche.accounts.services import erase_account, export_personal_data
from veche.discussions import services
from veche.discussions.models import Application, Follow, Submission
from veche.discussions.tests.organizer_cast import make_legal_entity_representative

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
