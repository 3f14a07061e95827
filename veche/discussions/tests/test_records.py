"""The documents of a discussion: protocol, conclusion, the participants' annex, a participant's
extract, the organizer's DOCX copies; their content, privacy and who may download them."""

import datetime
import io
import re

import docx
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation
from pypdf import PdfReader

from tests.factories import (
    make_discussion,
    make_organization,
    make_staff,
    make_territory,
    make_user,
)
from tests.sign_in import enter
from veche.core.models import AuditEvent
from veche.discussions import records, services
from veche.discussions.models import Discussion, ExpertAnswer, RecordBuild, Submission
from veche.discussions.records.kinds import CONCLUSION, PROTOCOL
from veche.discussions.tests.building import run_builds
from veche.documents.models import IssuedDocument
from veche.documents.services import sha256_hex
from veche.organizations.models import Membership

pytestmark = pytest.mark.django_db
Basis, Kind, Recommendation = Submission.Basis, Submission.Kind, Submission.Recommendation


@pytest.fixture(autouse=True)
def _english_site(settings):
    # Documents are drawn in the site language; the tests read their English labels.
    settings.LANGUAGE_CODE = "en"
    settings.SITE_URL = "https://veche.example.org"


def pdf_text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def docx_text(content: bytes) -> str:
    document = docx.Document(io.BytesIO(content))
    parts = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return " ".join(" ".join(parts).split())


# --- Data ------------------------------------------------------------------------------------

# (who, basis, kind, birth date, territory of the verification, recommendation)
PEOPLE = {
    "galiev": ("Галиев Ильдар Ринатович", "full", datetime.date(1958, 3, 2)),
    "petrova": ("Петрова Анна Сергеевна", "initials", datetime.date(1990, 7, 15)),
    "sidorov": ("Сидоров Глеб Олегович", "none", datetime.date(2001, 1, 20)),
    "morozova": ("Морозова Вера Павловна", "none", datetime.date(1979, 11, 5)),
}


def person(key: str):
    full_name, publication, _birthdate = PEOPLE[key]
    last, first, patronymic = full_name.split()
    return make_user(
        last_name=last, first_name=first, patronymic=patronymic, name_publication=publication
    )


def add_submission(
    discussion,
    *,
    author=None,
    key: str = "",
    basis: str = Basis.RESIDENT,
    kind: str = Kind.PROPOSAL,
    text: str = "Сохранить деревья вдоль улицы при реконструкции квартала.",
    recommendation: str = Recommendation.ACCEPTED,
    reason: str = "Предложение учтено: проект изменён.",
    territory: str | None = None,
    participant: dict | None = None,
    channel: str = Submission.Channel.SITE,
    legal_entity: dict | None = None,
    on: datetime.date | None = None,
) -> Submission:
    """A registered submission as the services leave it (made directly: each test sets the
    participant's data it needs), with the organizer's recommendation."""
    number = discussion.submissions.count() + 1
    on = on or discussion.intake_start + datetime.timedelta(days=2)
    if participant is None:
        full_name, _publication, birthdate = PEOPLE[key]
        participant = {
            "full_name": full_name,
            "birthdate": birthdate.isoformat(),
            "address": f"420111, г. Казань, ул. Пушкина, д. {number}, кв. {number * 3}",
            "territory": discussion.territory.title if territory is None else territory,
            "verification": "census",
            "verified_at": "2026-01-10T10:00:00+03:00",
        }
    if legal_entity:
        participant |= legal_entity
    return Submission.objects.create(
        discussion=discussion,
        number=number,
        registration_number=f"{discussion.pk}-{number:04d}",
        kind=kind,
        text=text,
        author=author,
        as_legal_entity=bool(legal_entity),
        participant=participant,
        basis=basis,
        channel=channel,
        created_at=discussion.starts(on) + datetime.timedelta(hours=12),
        recommendation=recommendation,
        recommendation_reason=reason if recommendation else "",
    )


def reviewed_discussion():
    """A discussion in review with seven submissions of five participants: three residents
    (one with two proposals, one registered on paper), a right holder and a legal entity."""
    territory = make_territory(ru="Вахитовский район", en="Vakhitovsky District")
    organizer = make_organization(
        jurisdiction=[territory],
        ru="Комитет градостроительного развития г. Казани",
        en="Committee for Urban Development of Kazan",
    )
    organizer_user = make_staff(
        organizer, Membership.Role.ORGANIZER, last_name="Хабибуллин", first_name="Марат"
    )
    Membership.objects.filter(user=organizer_user).update(position="Chair of the Committee")
    discussion = make_discussion(
        stage="review", territory=territory, organizer=organizer, organizer_user=organizer_user
    )
    galiev, petrova, sidorov = person("galiev"), person("petrova"), person("sidorov")
    add_submission(discussion, author=galiev, key="galiev", text="Сохранить сквер у школы № 5.")
    add_submission(
        discussion,
        author=petrova,
        key="petrova",
        kind=Kind.REMARK,
        text="Ширина тротуара по улице Пушкина недостаточна.",
        recommendation=Recommendation.PARTLY,
        reason="Тротуар расширен до 2,25 м вместо 3 м.",
    )
    question = add_submission(
        discussion,
        author=galiev,
        key="galiev",
        kind=Kind.QUESTION,
        text="Сколько деревьев будет вырублено?",
        reason="Ответ дан экспертом.",
    )
    ExpertAnswer.objects.create(
        submission=question, expert=organizer_user, text="Ни одного: деревья пересаживаются."
    )
    add_submission(
        discussion,
        author=sidorov,
        key="sidorov",
        basis=Basis.OWNER,
        territory="Приволжский район",
        text="Предусмотреть парковку у дома 12 для собственников помещений.",
        recommendation=Recommendation.REJECTED,
        reason="Парковка противоречит режиму охранной зоны.",
    )
    add_submission(
        discussion,
        key="morozova",
        channel=Submission.Channel.WRITING,
        participant={
            "full_name": "Морозова Вера Павловна",
            "birthdate": "05.11.1979",
            "address": "420015, г. Казань, ул. Горького, д. 8, кв. 4",
            "received_on": (discussion.intake_start + datetime.timedelta(days=3)).isoformat(),
        },
        text="Против сноса исторического здания на улице Горького.",
    )
    add_submission(
        discussion,
        author=petrova,
        key="petrova",
        basis=Basis.OTHER,
        legal_entity={
            "legal_name": "ООО «Квартал»",
            "ogrn": "1021602841391",
            "legal_address": "420021, г. Казань, ул. Татарстан, д. 20",
        },
        text="Увеличить этажность жилого дома на участке 16:50:010101:12.",
        recommendation=Recommendation.REJECTED,
        reason="Превышает предельные параметры зоны Ж2.",
    )
    add_submission(
        discussion,
        author=petrova,
        key="petrova",
        text="Устроить велодорожку вдоль набережной.",
        recommendation=Recommendation.ACCEPTED,
        reason="Велодорожка включена в проект.",
    )
    return discussion


def sign(discussion) -> IssuedDocument:
    """Sign the protocol, and build it as the worker does."""
    services.sign_protocol(user=discussion.created_by, discussion=discussion)
    assert run_builds() == ["built"]
    discussion.refresh_from_db()
    return IssuedDocument.objects.get(code=discussion.protocol_code)


def conclude(discussion, text="Проект рекомендуется к утверждению с учётом предложений."):
    services.publish_conclusion(user=discussion.created_by, discussion=discussion, text=text)
    assert run_builds() == ["built"]
    discussion.refresh_from_db()
    return IssuedDocument.objects.get(code=discussion.conclusion_code)


KIND_OF_URL = {
    "protocol_draft_pdf": "draft_protocol",
    "annex_pdf": "annex",
    "protocol_docx": "protocol_docx",
    "conclusion_docx": "conclusion_docx",
}


def prepared(client, discussion, name: str):
    """The organizer asks for a document on its page, the worker builds it, and it downloads."""
    response = client.post(
        reverse("discussions:prepare_record", args=[discussion.pk]), {"kind": KIND_OF_URL[name]}
    )
    assert response.status_code == 302
    assert run_builds() == ["built"]
    return client.get(reverse(f"discussions:{name}", args=[discussion.pk]))


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


def test_the_public_protocol_has_no_birth_dates_addresses_or_unpublished_names():
    discussion = reviewed_discussion()
    sign(discussion)
    text = pdf_text(records.protocol_pdf(discussion))
    for submission in discussion.submissions.all():
        data = submission.participant
        for private in ("birthdate", "address", "legal_address"):
            if data.get(private):
                assert data[private] not in text, private
    assert "05.11.1979" not in text and "15.07.1990" not in text
    assert "Галиев Ильдар Ринатович" in text  # consented to publication in full
    assert "Петрова А. С." in text  # initials only
    assert "Сидоров" not in text and "Морозова" not in text  # no consent, paper
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


# --- DOCX for editing ------------------------------------------------------------------------


def test_the_organizer_gets_the_protocol_as_docx_with_every_number(client):
    discussion = reviewed_discussion()
    sign(discussion)
    enter(client, discussion.created_by)
    response = prepared(client, discussion, "protocol_docx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    assert "attachment" in response["Content-Disposition"]
    text = docx_text(response.content)
    assert "PROTOCOL" in text
    for submission in discussion.submissions.all():
        assert submission.registration_number in text
        assert submission.recommendation_reason in text
    assert "4.1. Residents of the territory" in text
    assert "4.2. Other participants" in text
    assert "05.11.1979" not in text  # the same public content as the PDF
    assert discussion.protocol_code in text


def test_the_docx_copies_are_refused_to_anyone_but_the_organizer(client):
    discussion = reviewed_discussion()
    sign(discussion)
    conclude(discussion)
    enter(client, discussion.submissions.get(number=1).author)
    for name in ("protocol_docx", "conclusion_docx"):
        assert client.get(reverse(f"discussions:{name}", args=[discussion.pk])).status_code == 403


# --- The conclusion ----------------------------------------------------------------------------


def test_the_conclusion_carries_the_project_participants_protocol_recommendations_and_conclusions(
    client,
):
    discussion = reviewed_discussion()
    sign(discussion)
    document = conclude(discussion)
    assert document.kind == CONCLUSION
    assert discussion.conclusion_code == document.code
    response = client.get(reverse("discussions:conclusion_pdf", args=[discussion.pk]))
    assert response.status_code == 200
    assert sha256_hex(response.content) == document.sha256
    text = pdf_text(response.content)
    assert "CONCLUSION" in text
    assert "on the results of the public discussion" in text
    assert discussion.title in text
    assert "5 participants took part and sent 7 submission(s)" in text
    signed_on = timezone.localtime(discussion.protocol_signed_at).strftime("%d.%m.%Y")
    assert (
        f"protocol of the public discussion No. {discussion.pk} of {signed_on}, verification "
        f"code {discussion.protocol_code}" in text
    )
    for submission in discussion.submissions.all():
        assert submission.registration_number in text
        assert submission.recommendation_reason in text
    assert "Проект рекомендуется к утверждению с учётом предложений." in text
    assert "05.11.1979" not in text and "ул. Горького" not in text


def test_the_organizer_gets_the_conclusion_as_docx(client):
    discussion = reviewed_discussion()
    sign(discussion)
    conclude(discussion, text="Проект рекомендуется к утверждению с учётом замечаний.")
    enter(client, discussion.created_by)
    response = prepared(client, discussion, "conclusion_docx")
    assert response.status_code == 200
    text = docx_text(response.content)
    assert "CONCLUSION" in text
    assert "Проект рекомендуется к утверждению с учётом замечаний." in text
    assert discussion.protocol_code in text
    assert all(s.registration_number in text for s in discussion.submissions.all())


# --- A participant's extract ---------------------------------------------------------------


def test_a_participant_downloads_an_extract_with_their_own_submissions_only(client):
    discussion = reviewed_discussion()
    sign(discussion)
    petrova = discussion.submissions.get(number=2).author
    own = set(discussion.submissions.filter(author=petrova).values_list("registration_number"))
    enter(client, petrova)
    response = client.get(reverse("discussions:extract_pdf", args=[discussion.pk]))
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    text = pdf_text(response.content)
    assert "EXTRACT" in text
    assert "Петрова Анна Сергеевна" in text  # issued to her, by name
    numbers = set(re.findall(rf"\b{discussion.pk}-\d{{4}}\b", text))
    assert numbers == {number for (number,) in own}
    assert len(numbers) == 3  # two as a resident, one for her company
    assert "Сохранить сквер у школы № 5." not in text
    assert "Statistics" not in text


def test_no_extract_for_someone_without_submissions_or_before_signing(client):
    discussion = reviewed_discussion()
    url = reverse("discussions:extract_pdf", args=[discussion.pk])
    author = discussion.submissions.get(number=1).author
    enter(client, author)
    assert client.get(url).status_code == 404  # the protocol is not signed yet
    sign(discussion)
    assert client.get(url).status_code == 200
    enter(client, make_user())
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302


# --- Built in the background, never inside a request --------------------------------------------


def test_a_document_is_prepared_in_the_background_with_its_progress_on_the_page(client):
    discussion = reviewed_discussion()
    enter(client, discussion.created_by)
    page_url = reverse("discussions:records", args=[discussion.pk])
    draft_url = reverse("discussions:protocol_draft_pdf", args=[discussion.pk])
    # Nothing is rendered by a request: before a build, the download leads to the page.
    response = client.get(draft_url)
    assert response.status_code == 302
    assert response["Location"].startswith(page_url)
    client.post(
        reverse("discussions:prepare_record", args=[discussion.pk]), {"kind": "draft_protocol"}
    )
    page = client.get(page_url).content.decode()
    assert "waiting for its turn" in page
    assert 'hx-trigger="every 2s"' in page  # htmx asks for the fragment again
    assert '<meta http-equiv="refresh" content="5">' in page  # without JavaScript: reload
    fragment = client.get(page_url, HTTP_HX_REQUEST="true").content.decode()
    assert fragment.lstrip().startswith('<div id="records"') and "<html" not in fragment
    assert run_builds() == ["built"]
    page = client.get(page_url).content.decode()
    assert "every 2s" not in page and 'http-equiv="refresh"' not in page
    assert draft_url in page
    assert client.get(draft_url).status_code == 200


def test_asking_twice_while_it_is_built_builds_once(client):
    discussion = reviewed_discussion()
    enter(client, discussion.created_by)
    prepare = reverse("discussions:prepare_record", args=[discussion.pk])
    client.post(prepare, {"kind": "annex"})
    client.post(prepare, {"kind": "annex"})
    assert run_builds() == ["built"]


def test_the_signed_protocol_is_published_once_it_is_built(client):
    discussion = reviewed_discussion()
    build = services.sign_protocol(user=discussion.created_by, discussion=discussion)
    url = reverse("discussions:protocol_pdf", args=[discussion.pk])
    assert client.get(url).status_code == 404
    page = client.get(discussion.get_absolute_url()).content.decode()
    assert "the document is being prepared" in page and url not in page
    assert records.builds.run(build.pk) == "built"
    discussion.refresh_from_db()
    assert client.get(url).status_code == 200
    page = client.get(discussion.get_absolute_url()).content.decode()
    assert url in page and discussion.protocol_code in page
    event = AuditEvent.objects.get(action="discussion.protocol_issued")
    assert event.data["code"] == discussion.protocol_code
    # A build that runs again (a worker died after keeping it) keeps the first protocol.
    first = discussion.protocol_file.name
    RecordBuild.objects.filter(pk=build.pk).update(state=RecordBuild.State.QUEUED)
    assert records.builds.run(build.pk) == "built"
    discussion.refresh_from_db()
    assert discussion.protocol_file.name == first
    assert AuditEvent.objects.filter(action="discussion.protocol_issued").count() == 1


def test_a_build_whose_worker_died_is_queued_again_and_given_up_after_three_tries(
    monkeypatch,
):
    discussion = reviewed_discussion()
    build = services.request_record(
        user=discussion.created_by, discussion=discussion, kind="draft_protocol"
    )
    queued = []
    monkeypatch.setattr(records.builds, "_queue", queued.append)
    long_ago = timezone.now() - datetime.timedelta(hours=1)
    RecordBuild.objects.filter(pk=build.pk).update(
        state=RecordBuild.State.RUNNING, lease_until=long_ago, attempts=1
    )
    assert records.builds.run(build.pk) == "built"  # a lease that ran out is claimed again
    RecordBuild.objects.filter(pk=build.pk).update(
        state=RecordBuild.State.RUNNING, lease_until=long_ago, attempts=2
    )
    assert records.builds.requeue_stalled() == 1
    assert queued == [build.pk]
    RecordBuild.objects.filter(pk=build.pk).update(attempts=3)
    assert records.builds.requeue_stalled() == 0
    assert RecordBuild.objects.get(pk=build.pk).state == RecordBuild.State.FAILED
    # A live lease is not taken from its worker.
    RecordBuild.objects.filter(pk=build.pk).update(
        state=RecordBuild.State.RUNNING, lease_until=timezone.now() + datetime.timedelta(hours=1)
    )
    assert records.builds.run(build.pk) == "not claimed"


def test_a_failed_build_says_so_and_can_be_tried_again(client, monkeypatch):
    discussion = reviewed_discussion()
    enter(client, discussion.created_by)

    def broken(discussion, progress):
        raise RuntimeError("out of paper")

    monkeypatch.setitem(records.builds.BUILDERS, "annex", broken)
    client.post(reverse("discussions:prepare_record", args=[discussion.pk]), {"kind": "annex"})
    assert run_builds() == ["failed"]
    build = RecordBuild.objects.get()
    assert "out of paper" in build.error
    page = client.get(reverse("discussions:records", args=[discussion.pk])).content.decode()
    assert "could not be prepared" in page and "Prepare again" in page


# --- A big record drawn in parts -----------------------------------------------------------------


def _lines(pdf: bytes) -> list[str]:
    """The text of a PDF line by line, without the page furniture a part repeats or changes:
    the footer, the DRAFT mark and the lines of the table's header row."""
    header = {
        "Reg.",
        "No.,",
        "date",
        "Participant",
        "Content",
        "of",
        "the",
        "submission",
        "Recommendation",
        "organizer",
        "and",
        "its",
        "reasons",
    }
    reader = PdfReader(io.BytesIO(pdf))
    return [
        line.strip()
        for page in reader.pages
        for line in page.extract_text().splitlines()
        if line.strip() not in ("", "DRAFT")
        and not re.fullmatch(r"page \d+ of \d+", line.strip())
        and not set(line.split()) <= header
    ]


def test_a_record_drawn_in_parts_reads_as_the_record_in_one_piece(monkeypatch):
    discussion = reviewed_discussion()
    whole = records.draft_protocol_pdf(discussion)
    monkeypatch.setattr("veche.discussions.records.pdf.PART_ROWS", 2)
    seen = []
    in_parts = records.draft_protocol_pdf(discussion, lambda done, total: seen.append(done))
    assert seen == [2, 4, 6, 7]  # four parts, the progress after each
    assert _lines(in_parts) == _lines(whole)
    text = pdf_text(in_parts)
    assert text.count("4.1. Residents of the territory") == 1
    assert text.count("4.2. Other participants") == 1
    assert "5. Statistics" in text and text.count("DRAFT A working copy") == 1
    pages = PdfReader(io.BytesIO(in_parts)).pages
    assert len(pages) >= 4
    for number, page in enumerate(pages, start=1):
        assert f"page {number} of {len(pages)}" in page.extract_text()


def test_an_annex_drawn_in_parts_numbers_its_participants_through(monkeypatch):
    discussion = reviewed_discussion()
    monkeypatch.setattr("veche.discussions.records.pdf.ANNEX_PART_ROWS", 2)
    pages = PdfReader(io.BytesIO(records.annex_pdf(discussion))).pages
    assert len(pages) == 3
    text = " ".join(page.extract_text() for page in pages)
    assert "Participants in all: 5" in text
    for name, _publication, _birthdate in PEOPLE.values():
        assert name in text
    for number, page in enumerate(pages, start=1):
        assert f"page {number} of 3" in page.extract_text()


def test_a_small_record_is_drawn_in_one_piece_to_the_same_bytes_as_before():
    from veche.discussions.records.content import protocol_record
    from veche.discussions.records.pdf import PROTOCOL_TEMPLATE, _context, _title
    from veche.documents.rendering import css_string, render_pdf

    discussion = reviewed_discussion()
    with translation.override("en"):
        # What the draft protocol was before it was built in the background: one render.
        before = render_pdf(
            PROTOCOL_TEMPLATE,
            {
                **_context(
                    protocol_record(discussion, draft=True),
                    document_title=_title(discussion, "Draft protocol"),
                ),
                "verification": None,
                "footer_note": css_string(
                    "Draft, not registered: not a document of the discussion"
                ),
            },
            base_url="https://veche.example.org/",
        )
    assert records.draft_protocol_pdf(discussion) == before


def test_a_conclusion_drawn_in_parts_reads_as_the_conclusion_in_one_piece(monkeypatch):
    discussion = reviewed_discussion()
    sign(discussion)
    services.publish_conclusion(
        user=discussion.created_by, discussion=discussion, text="Проект рекомендован."
    )
    discussion.refresh_from_db()
    whole = records.issue_conclusion(discussion).pdf
    monkeypatch.setattr("veche.discussions.records.pdf.PART_ROWS", 3)
    in_parts = records.issue_conclusion(discussion).pdf

    def text(pdf):  # the verification code differs: each rendering was registered anew
        return [line for line in _lines(pdf) if "erification code" not in line]

    assert text(in_parts)[:-4] == text(whole)[:-4]
    assert "5. Conclusions" in pdf_text(in_parts)
