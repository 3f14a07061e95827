"""The protocol of a discussion and its participants' annex: the statistics, the content, privacy
and who may download them."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from tests.factories import (
    make_organization,
    make_staff,
)
from tests.sign_in import enter
from veche.discussions import records, services
from veche.discussions.models import Discussion, Submission
from veche.discussions.records.kinds import PROTOCOL
from veche.discussions.tests.records_cast import (
    PEOPLE,
    Basis,
    Kind,
    Recommendation,
    conclude,
    pdf_text,
    prepared,
    reviewed_discussion,
    sign,
)
from veche.documents.models import IssuedDocument
from veche.documents.services import sha256_hex
from veche.organizations.models import Membership

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english_documents")]

# --- Statistics (pure) -------------------------------------------------------------------------

MOSCOW = Discussion(time_zone="Europe/Moscow")


def unsaved(number, *, author_id=None, basis=Basis.RESIDENT, kind=Kind.PROPOSAL, **participant):
    return Submission(
        number=number,
        registration_number=f"1-{number:04d}",
        author_id=author_id,
        basis=basis,
        kind=kind,
        as_legal_entity="ogrn" in participant,
        participant=participant,
        created_at=datetime.datetime(2026, 5, 10, 9, tzinfo=datetime.UTC),
        recommendation=participant.pop("recommendation", Recommendation.ACCEPTED),
    )


def test_statistics_count_each_participant_once_by_group_territory_and_age():
    submissions = [
        unsaved(1, author_id=1, birthdate="1990-01-01", territory="Вахитовский район"),
        unsaved(2, author_id=1, birthdate="1990-01-01", territory="Вахитовский район"),
        unsaved(3, author_id=2, birthdate="1950-06-30", territory="Вахитовский район"),
        unsaved(
            4,
            author_id=3,
            basis=Basis.OWNER,
            birthdate="2000-02-02",
            territory="Приволжский район",
            kind=Kind.REMARK,
            recommendation=Recommendation.REJECTED,
        ),
        unsaved(5, basis=Basis.OTHER, ogrn="1021602841391", legal_name="ООО «Квартал»"),
        unsaved(6, full_name="Морозова Вера", birthdate="", kind=Kind.QUESTION),
    ]
    statistics = records.statistics_of(MOSCOW, submissions)
    assert statistics.participants == 5
    assert statistics.participants_by_group == {"residents": 3, "others": 2}
    assert statistics.submissions_by_group == {"residents": 4, "others": 2}
    assert statistics.participants_by_territory == {
        "Вахитовский район": 2,
        "Приволжский район": 1,
        "": 2,
    }
    assert statistics.participants_by_age == {
        "under_18": 0,
        "18_29": 1,
        "30_44": 1,
        "45_59": 0,
        "60_plus": 1,
        "legal_entity": 1,
        "unknown": 1,
    }
    assert statistics.submissions_by_kind == {"proposal": 4, "remark": 1, "question": 1}
    assert statistics.submissions_by_outcome == {
        "accepted": 5,
        "partly": 0,
        "rejected": 1,
        "unreliable": 0,
        "": 0,
    }


def test_age_is_counted_in_full_years_on_the_day_of_the_submission():
    # Registered on 10 May 2026 (Moscow): one turned 18 that day, the other turns 18 the next.
    eighteen = unsaved(1, author_id=1, birthdate="2008-05-10")
    seventeen = unsaved(2, author_id=2, birthdate="2008-05-11")
    statistics = records.statistics_of(MOSCOW, [eighteen, seventeen])
    assert statistics.participants_by_age["18_29"] == 1
    assert statistics.participants_by_age["under_18"] == 1


def test_someone_born_on_29_february_is_aged_as_eligibility_ages_them():
    # Received on 28 February 2026, a common year: born 29 February 2008, 18 full years that day
    # (as the eligibility service counts), so not "under 18" in the protocol.
    leapling = unsaved(1, full_name="Зайцев Ил", birthdate="2008-02-29", received_on="2026-02-28")
    assert records.statistics_of(MOSCOW, [leapling]).participants_by_age["18_29"] == 1


def test_a_paper_submission_is_aged_on_the_day_it_was_received():
    # Received on 9 May, registered on 10 May: on 9 May this person was still 17.
    paper = unsaved(1, full_name="Морозова Вера", birthdate="10.05.2008", received_on="2026-05-09")
    assert records.statistics_of(MOSCOW, [paper]).participants_by_age["under_18"] == 1


def test_paper_participants_without_accounts_are_told_apart_by_name_and_birth_date():
    submissions = [
        unsaved(1, full_name="Морозова Вера Павловна", birthdate="05.11.1979"),
        unsaved(2, full_name="морозова  вера павловна", birthdate="1979-11-05"),
        unsaved(3, full_name="Морозова Вера Павловна", birthdate="05.11.1981"),
    ]
    assert records.statistics_of(MOSCOW, submissions).participants == 2


# --- The protocol ----------------------------------------------------------------------------


def test_the_published_protocol_and_conclusion_never_change_afterwards(client):
    discussion = reviewed_discussion()
    protocol = sign(discussion)
    conclusion = conclude(discussion)
    named = next(
        s.author
        for s in discussion.submissions.all()
        if s.author and s.author.last_name == "Галиев"
    )
    named.name_publication = "none"  # consent to publication withdrawn after the fact
    named.save(update_fields=["name_publication"])
    for url, document in (
        (reverse("discussions:protocol_pdf", args=[discussion.pk]), protocol),
        (reverse("discussions:conclusion_pdf", args=[discussion.pk]), conclusion),
    ):
        response = client.get(url)
        assert sha256_hex(response.content) == document.sha256
    assert IssuedDocument.objects.count() == 2  # nothing registered anew


def test_signing_registers_the_protocol_and_the_public_download_carries_its_code(client):
    discussion = reviewed_discussion()
    document = sign(discussion)
    assert document.kind == PROTOCOL
    assert discussion.protocol_code == document.code
    response = client.get(reverse("discussions:protocol_pdf", args=[discussion.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert sha256_hex(response.content) == document.sha256
    assert document.code in pdf_text(response.content)
    assert IssuedDocument.objects.filter(kind=PROTOCOL).count() == 1


def test_the_protocol_lists_every_submission_with_its_number_and_recommendation():
    discussion = reviewed_discussion()
    sign(discussion)
    text = pdf_text(records.protocol_pdf(discussion))
    assert "PROTOCOL" in text
    assert "of the public discussion on the project" in text
    submissions = list(discussion.submissions.all())
    assert len(submissions) == 7
    for submission in submissions:
        assert submission.registration_number in text
        assert submission.recommendation_reason in text
    assert text.count("partly taken into account") == 1
    assert "Ни одного: деревья пересаживаются." in text  # the experts' answer to the question


def test_the_protocol_states_the_organizer_notice_intake_period_and_territory():
    discussion = reviewed_discussion()
    sign(discussion)
    text = pdf_text(records.protocol_pdf(discussion))
    assert "Committee for Urban Development of Kazan" in text
    assert f"The notice was published on {discussion.notice_date:%d.%m.%Y}" in text
    assert f"https://veche.example.org/discussions/{discussion.pk}/" in text
    assert "Чертёж планировки (version 1 of" in text  # the notice's list of materials
    assert (
        f"Proposals and remarks were taken from {discussion.intake_start:%d.%m.%Y} to "
        f"{discussion.intake_end:%d.%m.%Y}" in text
    )
    assert "Vakhitovsky District" in text
    signed_on = timezone.localtime(discussion.protocol_signed_at).strftime("%d.%m.%Y")
    assert f"{signed_on} No. {discussion.pk}" in text
    assert "Chair of the Committee" in text and "Хабибуллин Марат" in text


def test_residents_and_other_participants_are_listed_apart():
    discussion = reviewed_discussion()
    sign(discussion)
    text = pdf_text(records.protocol_pdf(discussion))
    residents = text.index("4.1. Residents of the territory")
    others = text.index("4.2. Other participants")
    statistics = text.index("Statistics", others)
    for submission in discussion.submissions.all():
        position = text.index(submission.registration_number, residents)
        if submission.basis == Basis.RESIDENT:
            assert residents < position < others, submission.registration_number
        else:
            assert others < position < statistics, submission.registration_number


def test_the_protocol_statistics_match_the_data():
    discussion = reviewed_discussion()
    sign(discussion)
    text = pdf_text(records.protocol_pdf(discussion))
    # Five participants: Galiev, Petrova, Morozova (residents); Sidorov and the company (others).
    assert "Residents of the territory 3 5" in text
    assert "Other participants 2 2" in text
    assert "In all 5 7" in text
    # By the verified territory: Galiev, Petrova and her company's representative (Petrova);
    # Sidorov lives elsewhere; Morozova came on paper, where no territory is verified.
    assert "Vakhitovsky District 3" in text
    assert "Приволжский район 1" in text
    assert "Not stated 1" in text
    assert "60 and over 1" in text and "30–44 1" in text and "18–29 1" in text
    assert "Legal entities 1" in text
    assert "45–59 1" in text  # Morozova, 46 at the time, from the paper form's date
    assert "Proposal 5" in text and "Remark 1" in text and "Question to the experts 1" in text
    assert "Taken into account 4" in text
    assert "Not taken into account 2" in text


def test_the_public_protocol_has_no_birth_dates_addresses_or_names_of_persons():
    discussion = reviewed_discussion()
    sign(discussion)
    text = pdf_text(records.protocol_pdf(discussion))
    for submission in discussion.submissions.all():
        data = submission.participant
        for private in ("birthdate", "address", "legal_address"):
            if data.get(private):
                assert data[private] not in text, private
    assert "05.11.1979" not in text and "15.07.1990" not in text
    # Whatever their consent (in full, initials, none, on paper): by their number only.
    for key in ("galiev", "petrova", "sidorov", "morozova"):
        assert PEOPLE[key][0].split()[0] not in text, key
    for submission in discussion.submissions.filter(as_legal_entity=False):
        assert f"Participant No. {submission.participant_number}" in text
    assert "ООО «Квартал»" in text  # a legal entity's name is not personal data


def test_the_protocol_is_not_published_before_it_is_signed(client):
    discussion = reviewed_discussion()
    response = client.get(reverse("discussions:protocol_pdf", args=[discussion.pk]))
    assert response.status_code == 404
    response = client.get(reverse("discussions:conclusion_pdf", args=[discussion.pk]))
    assert response.status_code == 404


def test_the_organizer_previews_a_draft_protocol_that_is_not_registered(client):
    discussion = reviewed_discussion()
    enter(client, discussion.created_by)
    response = prepared(client, discussion, "protocol_draft_pdf")
    assert response.status_code == 200
    text = pdf_text(response.content)
    assert "DRAFT" in text
    assert "Verification code" not in text
    assert f"{discussion.pk}-0007" in text
    assert not IssuedDocument.objects.exists()
    assert response["Cache-Control"] == "private, no-store"


def test_the_draft_protocol_is_refused_to_a_resident(client):
    discussion = reviewed_discussion()
    enter(client, discussion.submissions.get(number=1).author)
    response = client.get(reverse("discussions:protocol_draft_pdf", args=[discussion.pk]))
    assert response.status_code == 403


def test_a_failed_signing_registers_no_protocol():
    discussion = reviewed_discussion()
    Submission.objects.filter(discussion=discussion, number=2).update(recommendation="")
    with pytest.raises(ValidationError):
        services.sign_protocol(user=discussion.created_by, discussion=discussion)
    assert not IssuedDocument.objects.exists()


# --- The participants' annex -------------------------------------------------------------------


def test_the_annex_gives_the_organizer_every_participants_identification_data(client):
    discussion = reviewed_discussion()
    sign(discussion)
    enter(client, discussion.created_by)
    response = prepared(client, discussion, "annex_pdf")
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    text = pdf_text(response.content)
    assert "LIST OF PARTICIPANTS" in text
    for key in ("galiev", "petrova", "sidorov", "morozova"):
        assert PEOPLE[key][0] in text
    assert "02.03.1958" in text and "05.11.1979" in text
    assert "ул. Горького, д. 8, кв. 4" in text
    assert "ООО «Квартал»" in text and "OGRN 1021602841391" in text
    assert "ул. Татарстан, д. 20" in text
    assert "Participants in all: 5" in text
    # Registered as a private copy: it can be verified, it is never published.
    issued = IssuedDocument.objects.get(for_addressee=True)
    assert sha256_hex(response.content) == issued.sha256


def test_the_annex_is_refused_to_a_resident_and_to_an_organizer_of_another_body(client):
    discussion = reviewed_discussion()
    sign(discussion)
    url = reverse("discussions:annex_pdf", args=[discussion.pk])
    assert client.get(url).status_code == 302  # to the sign-in page
    enter(client, discussion.submissions.get(number=1).author)
    assert client.get(url).status_code == 403
    other_body = make_organization(jurisdiction=[discussion.territory])
    enter(client, make_staff(other_body, Membership.Role.ORGANIZER))
    assert client.get(url).status_code == 403
    assert not IssuedDocument.objects.filter(for_addressee=True).exists()


def test_before_signing_the_annex_is_a_draft_and_not_registered(client):
    discussion = reviewed_discussion()
    enter(client, discussion.created_by)
    response = prepared(client, discussion, "annex_pdf")
    assert response.status_code == 200
    assert "DRAFT" in pdf_text(response.content)
    assert not IssuedDocument.objects.exists()
