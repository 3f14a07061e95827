"""A data-protection officer against public discussions: personal data stay where the law keeps
them, and a request pressed twice is kept once."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.factories import make_discussion, make_organization, make_resident, make_staff
from tests.sign_in import enter
from veche.core.models import AuditEvent
from veche.discussions import queries, services
from veche.discussions.models import (
    Discussion,
    Submission,
)
from veche.discussions.tests.building import run_builds
from veche.discussions.tests.organizer_cast import (
    make_legal_entity_representative,
)
from veche.discussions.tests.security_cast import (
    DAY,
    PROPOSAL,
    form_data,
    organizer_of,
    send,
    submit_url,
)
from veche.notifications.models import Notification
from veche.organizations.models import Membership

# Made relative to today, checked against today: within one day (conftest.py).
pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("english_site_running_tasks"),
    pytest.mark.usefixtures("one_city_day"),
]

# --- Personal data stay private ---------------------------------------------------------------


def identified_resident(discussion, **fields):
    from veche.identity.models import Level, Verification
    from veche.identity.services import record_verification

    person = make_resident(
        discussion.territory,
        last_name="Галиев",
        first_name="Ильдар",
        name_publication="none",
        birthdate=datetime.date(1958, 3, 2),
        **fields,
    )
    record_verification(
        user=person,
        level=Level.PROVIDER,
        source=Verification.Source.PROVIDER,
        source_reference="tests-esia",
        claims={
            "family_name": "Галиев",
            "given_name": "Ильдар",
            "address": {"formatted": "Казань, ул. Пушкина, 5, кв. 2"},
        },
        birthdate=datetime.date(1958, 3, 2),
        territory=discussion.territory,
    )
    return person


PRIVATE = ("Галиев", "1958", "02.03.1958", "Пушкина")


def test_the_public_pages_show_no_name_birth_date_or_address_without_consent(client):
    discussion = make_discussion()
    submission = send(identified_resident(discussion), discussion)
    assert submission.participant["address"] == "Казань, ул. Пушкина, 5, кв. 2"
    for url in (
        discussion.get_absolute_url(),
        submission.get_absolute_url(),
        reverse("discussions:list"),
    ):
        page = client.get(url).content.decode()
        assert not [word for word in PRIVATE if word in page], url


def test_a_legal_entitys_representative_is_not_named_to_the_public(client):
    discussion = make_discussion(stage="intake")
    developer = make_legal_entity_representative()
    submission = Submission.objects.create(
        discussion=discussion,
        number=1,
        registration_number=f"{discussion.pk}-0001",
        kind="proposal",
        text=PROPOSAL,
        author=developer,
        as_legal_entity=True,
        participant=queries.identification_of(developer, as_legal_entity=True),
        basis="owner",
    )
    page = client.get(submission.get_absolute_url()).content.decode()
    assert submission.participant["legal_name"] in page
    assert "Застройщиков" not in page
    assert "1027700132195" not in page  # the OGRN is on the author's receipt only


def test_the_receipt_the_audit_and_the_experts_notice_carry_no_identification_data(
    mailoutbox, django_capture_on_commit_callbacks
):
    expert = make_staff(make_organization(), Membership.Role.EXPERT)
    discussion = make_discussion(experts=[expert])
    author = identified_resident(discussion)
    with django_capture_on_commit_callbacks(execute=True):
        submission = send(author, discussion, kind="question")
    (receipt,) = [message for message in mailoutbox if message.to == [author.email]]
    assert submission.registration_number in receipt.body
    for message in mailoutbox:
        assert not [word for word in PRIVATE if word in message.subject + message.body]
    event = AuditEvent.objects.get(action="discussion.submission_registered")
    assert not [word for word in PRIVATE if word in str(event.data)]
    notice = Notification.objects.get(user=expert)
    assert not [word for word in PRIVATE if word in notice.title + notice.body]


# --- Pressed twice ----------------------------------------------------------------------------


def test_a_submission_sent_twice_is_registered_once_and_the_second_says_its_number(client):
    discussion = make_discussion()
    enter(client, make_resident(discussion.territory))
    first = client.post(submit_url(discussion), form_data())
    again = client.post(submit_url(discussion), form_data(), follow=True)
    submission = Submission.objects.get()
    assert first["Location"] == submission.get_absolute_url()
    assert submission.registration_number in again.content.decode()
    assert "already" in again.content.decode()


def test_the_same_text_on_another_page_or_by_another_person_is_a_submission_of_its_own():
    discussion = make_discussion()
    resident = make_resident(discussion.territory)
    material = discussion.materials.get()
    send(resident, discussion)
    send(resident, discussion, material=material, page=1)
    send(resident, discussion, kind="question")
    send(make_resident(discussion.territory), discussion)
    assert Submission.objects.count() == 4


def test_a_paper_submission_registered_twice_is_kept_once(client):
    from veche.discussions.tests.organizer_pages_cast import paper_data

    discussion = make_discussion()
    enter(client, make_staff(discussion.organizer, Membership.Role.OFFICIAL))
    url = reverse("discussions:register_submission", args=[discussion.pk])
    assert client.post(url, paper_data(discussion)).status_code == 302
    again = client.post(url, paper_data(discussion))
    assert again.status_code == 400
    submission = Submission.objects.get()
    assert submission.registration_number in again.content.decode()
    other_person = paper_data(discussion, full_name="Петров Пётр Петрович")
    assert client.post(url, other_person).status_code == 302
    assert Submission.objects.count() == 2


def test_an_applications_document_is_kept_by_no_cache_and_never_from_media(client, settings):
    from tests.factories import tiny_pdf

    discussion = make_discussion()
    developer = make_legal_entity_representative()
    application = services.apply_for_discussion(
        user=developer,
        organization=discussion.organizer,
        subject="conditional_use",
        title="Склад на участке 16:50:010101:1",
        description="Склад строительных материалов.",
        territory=discussion.territory,
        document=SimpleUploadedFile("project.pdf", tiny_pdf(), "application/pdf"),
    )
    url = reverse("discussions:application_document", args=[application.pk])
    enter(client, developer)
    response = client.get(url)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    settings.VECHE_MEDIA_ACCEL_REDIRECT = "/protected-media/"
    response = client.get(url)
    assert response["X-Accel-Redirect"] == "/protected-media/" + application.document.name


def test_a_title_with_line_breaks_is_kept_on_one_line_and_its_notices_are_mailed(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    from tests.factories import tiny_pdf
    from veche.discussions.models import Application

    discussion = make_discussion()
    enter(client, make_legal_entity_representative())
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("discussions:apply"),
            {
                "organization": discussion.organizer.pk,
                "subject": "conditional_use",
                "title": "Склад\r\nBcc: everyone@example.org",
                "description": "Склад строительных материалов.",
                "territory": discussion.territory.pk,
                "document": SimpleUploadedFile("project.pdf", tiny_pdf(), "application/pdf"),
            },
        )
    assert response.status_code == 302
    assert Application.objects.get().title == "Склад Bcc: everyone@example.org"
    (notice,) = mailoutbox
    assert notice.to == [organizer_of(discussion).email]
    assert "\n" not in notice.subject


def test_a_discussions_title_is_kept_on_one_line(client):
    from veche.discussions.tests.organizer_pages_cast import create_data

    discussion = make_discussion()
    enter(client, organizer_of(discussion))
    data = create_data(discussion.territory, title="Проект\r\nпланировки\tквартала 7")
    assert client.post(reverse("discussions:create"), data).status_code == 302
    assert Discussion.objects.latest("pk").title == "Проект планировки квартала 7"


def test_the_published_protocol_and_conclusion_carry_no_name_birth_date_or_address(client):

    from pypdf import PdfReader

    discussion = make_discussion()
    submission = send(identified_resident(discussion), discussion)
    organizer = organizer_of(discussion)
    services.recommend(
        user=organizer, submission=submission, recommendation="accepted", reason="Учтено."
    )
    Discussion.objects.filter(pk=discussion.pk).update(
        intake_end=discussion.local_date() - DAY, exposition_end=discussion.local_date() - DAY
    )
    discussion.refresh_from_db()
    services.sign_protocol(user=organizer, discussion=discussion)
    services.publish_conclusion(
        user=organizer, discussion=discussion, text="Проект рекомендован к утверждению."
    )
    assert run_builds() == ["built", "built"]
    for name in ("protocol_pdf", "conclusion_pdf"):
        response = client.get(reverse(f"discussions:{name}", args=[discussion.pk]))
        assert response.status_code == 200
        reader = PdfReader(io.BytesIO(response.content))
        text = " ".join(page.extract_text() for page in reader.pages)
        assert submission.registration_number in text, name
        assert not [word for word in PRIVATE if word in text], name


def test_another_participant_sees_neither_the_receipt_nor_the_submission_among_theirs(client):
    discussion = make_discussion()
    submission = send(identified_resident(discussion), discussion)
    enter(client, make_resident(discussion.territory))
    page = client.get(submission.get_absolute_url()).content.decode()
    assert "Receipt" not in page
    assert not [word for word in PRIVATE if word in page]
    mine = client.get(reverse("discussions:mine")).content.decode()
    assert submission.registration_number not in mine
    extract = client.get(reverse("discussions:extract_pdf", args=[discussion.pk]))
    assert extract.status_code == 404


def test_experts_cannot_answer_a_hidden_question_or_one_of_a_cancelled_discussion():
    from django.core.exceptions import ValidationError
    from django.utils import timezone

    from tests.factories import make_user
    from veche.discussions.models import ExpertAnswer

    expert = make_user()
    discussion = make_discussion(stage="exposition", experts=[expert])
    resident = make_resident(discussion.territory)
    hidden = services.submit(
        user=resident, discussion=discussion, kind="question", text="Где будет парковка?"
    )
    hidden.hidden_at = timezone.now()
    hidden.save(update_fields=["hidden_at"])
    with pytest.raises(ValidationError, match="no longer be answered"):
        services.answer_question(expert=expert, submission=hidden, text="Под зданием.")
    question = services.submit(
        user=resident, discussion=discussion, kind="question", text="Сколько будет этажей?"
    )
    services.cancel_discussion(user=discussion.created_by, discussion=discussion, reason="Отозван.")
    question.refresh_from_db()
    with pytest.raises(ValidationError, match="no longer be answered"):
        services.answer_question(expert=expert, submission=question, text="Девять.")
    assert not ExpertAnswer.objects.exists()
