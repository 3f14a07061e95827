"""What officials and heads do from the appeal page, through the services, and what they see."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from tests.factories import make_organization, make_resident, make_staff, make_territory
from tests.sign_in import enter
from veche.appeals.models import Answer, AnswerAttachment, Appeal, AppealPolicy, Message
from veche.cabinet.tests.builders import PNG, docx, pdf, registered_appeal, sent_appeal
from veche.organizations.models import Membership

# Made relative to today, checked against today: within one day (conftest.py).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("one_city_day")]
Role = Membership.Role
Status = Appeal.Status


@pytest.fixture
def district():
    return make_territory("vakhitovsky")


@pytest.fixture
def city_hall():
    return make_organization("city-hall")


@pytest.fixture
def office(city_hall, district):
    return make_organization("district-office", parent=city_hall, jurisdiction=[district])


@pytest.fixture
def official(office):
    return make_staff(office, Role.OFFICIAL)


@pytest.fixture
def registered(office, district, official):
    return registered_appeal(office, district, official, neighbour=make_resident(district))


def url(name: str, appeal: Appeal) -> str:
    return reverse(f"cabinet:{name}", args=[appeal.pk])


def page_of(client, appeal: Appeal):
    return client.get(url("appeal", appeal))


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


# --- Registration ---------------------------------------------------------------------------


def test_registering_sets_the_number_and_the_due_date_from_the_policy(
    client, office, district, official
):
    AppealPolicy.objects.create(organization=office, answer_days=20)
    appeal = sent_appeal(office, district)
    enter(client, official)
    response = client.post(url("register", appeal), {"register-registration_number": "ВХ-5/26"})
    assert response.status_code == 302
    appeal.refresh_from_db()
    assert appeal.status == Status.REGISTERED
    assert appeal.registration_number == "ВХ-5/26"
    assert appeal.due_date == timezone.localdate() + datetime.timedelta(days=20)
    page = client.get(response["Location"])
    assert "ВХ-5/26" in page.content.decode()


def test_the_registration_form_shows_the_due_date_it_will_set(client, office, district, official):
    appeal = sent_appeal(office, district)
    enter(client, official)
    form = page_of(client, appeal).context["forms"]["register"]
    assert form.due_date == timezone.localdate() + datetime.timedelta(days=30)


def test_registering_without_a_number_shows_the_error_and_changes_nothing(
    client, office, district, official
):
    appeal = sent_appeal(office, district)
    enter(client, official)
    response = client.post(url("register", appeal), {"register-registration_number": "  "})
    assert response.status_code == 200
    assert response.context["forms"]["register"].errors
    appeal.refresh_from_db()
    assert appeal.status == Status.SENT


def test_answers_are_offered_only_after_registration(client, office, district, official):
    appeal = sent_appeal(office, district)
    enter(client, official)
    forms = page_of(client, appeal).context["forms"]
    assert {"register", "message", "forward"} <= forms.keys()
    assert not {"interim", "final", "extension", "control"} & forms.keys()


def test_registration_is_not_offered_twice(client, registered, official):
    enter(client, official)
    forms = page_of(client, registered).context["forms"]
    assert "register" not in forms
    assert {"interim", "final", "extension", "message", "forward"} <= forms.keys()


# --- Answers --------------------------------------------------------------------------------


def test_the_deadline_is_extended_once_and_the_form_disappears(client, registered, official):
    enter(client, official)
    due = registered.due_date
    response = client.post(url("extension", registered), {"extension-reason": "A survey."})
    assert response.status_code == 302
    registered.refresh_from_db()
    assert registered.extended
    assert registered.due_date == due + datetime.timedelta(days=30)
    assert "extension" not in page_of(client, registered).context["forms"]


def test_a_second_extension_is_refused_with_a_message(client, registered, official):
    enter(client, official)
    client.post(url("extension", registered), {"extension-reason": "A survey."})
    registered.refresh_from_db()
    due = registered.due_date

    response = client.post(url("extension", registered), {"extension-reason": "Once more."})

    assert response.status_code == 200
    assert "The deadline can be extended only once." in " ".join(messages_of(response))
    registered.refresh_from_db()
    assert registered.due_date == due
    assert Answer.objects.filter(appeal=registered, kind=Answer.Kind.EXTENSION).count() == 1


def test_the_final_answer_opens_the_rating_window(client, registered, official, settings):
    settings.VECHE_RATING_DAYS = 14
    enter(client, official)
    response = client.post(
        url("final", registered),
        {
            "final-text": "The yard will be repaved in May.",
            "final-attachments": [pdf("act.pdf"), docx("plan.docx")],
            "final-on_letterhead": "on",
        },
    )
    assert response.status_code == 302
    registered.refresh_from_db()
    assert registered.status == Status.ANSWERED
    assert registered.rating_open
    assert registered.rating_until.date() == (timezone.now() + datetime.timedelta(days=14)).date()
    assert registered.answered_on_time is True
    answer = Answer.objects.get(appeal=registered, kind=Answer.Kind.FINAL)
    assert answer.on_letterhead
    assert sorted(answer.attachments.values_list("name", flat=True)) == ["act.pdf", "plan.docx"]
    page = client.get(response["Location"]).content.decode()
    assert "The yard will be repaved in May." in page
    assert "plan.docx" in page


def test_an_interim_answer_keeps_the_appeal_open(client, registered, official):
    enter(client, official)
    client.post(url("interim", registered), {"interim-text": "A commission visits on Monday."})
    registered.refresh_from_db()
    assert registered.status == Status.REGISTERED
    assert Answer.objects.filter(appeal=registered, kind=Answer.Kind.INTERIM).exists()
    assert "A commission visits on Monday." in page_of(client, registered).content.decode()


def test_a_message_to_the_author_appears_in_the_history(client, registered, official):
    enter(client, official)
    client.post(url("message", registered), {"message-text": "Which entrance is it?"})
    message = Message.objects.get(appeal=registered)
    assert message.from_organization
    assert "Which entrance is it?" in page_of(client, registered).content.decode()


@pytest.mark.parametrize(
    ("upload", "error"),
    [
        (SimpleUploadedFile("answer.pdf", b"just text"), "is not a PDF, DOCX, JPEG or PNG"),
        (SimpleUploadedFile("answer.pdf", PNG), "is a PNG file"),
        (SimpleUploadedFile("answer.exe", b"MZ\x90\x00"), "is not a PDF, DOCX, JPEG or PNG"),
        (SimpleUploadedFile("fake.docx", b"PK\x03\x04not a zip"), "is not a PDF, DOCX"),
        (
            SimpleUploadedFile("huge.pdf", b"%PDF-1.4\n" + b"0" * (10 * 1024 * 1024)),
            "is larger than",
        ),
    ],
    ids=["text-as-pdf", "png-named-pdf", "program", "broken-docx", "over-10-mb"],
)
def test_attachments_are_checked_by_content_and_size(client, registered, official, upload, error):
    enter(client, official)
    response = client.post(
        url("final", registered), {"final-text": "Answer.", "final-attachments": upload}
    )
    assert response.status_code == 200
    assert error in " ".join(response.context["forms"]["final"].errors["attachments"])
    registered.refresh_from_db()
    assert registered.status == Status.REGISTERED
    assert not AnswerAttachment.objects.exists()


def test_at_most_five_attachments(client, registered, official):
    enter(client, official)
    response = client.post(
        url("final", registered),
        {"final-text": "Answer.", "final-attachments": [pdf(f"{n}.pdf") for n in range(6)]},
    )
    assert response.status_code == 200
    assert not Answer.objects.filter(kind=Answer.Kind.FINAL).exists()


def test_a_refused_answer_keeps_what_the_official_wrote(client, registered, official):
    enter(client, official)
    response = client.post(
        url("final", registered),
        {
            "final-text": "A long careful answer.",
            "final-attachments": SimpleUploadedFile("a.pdf", b"x"),
        },
    )
    assert "A long careful answer." in response.content.decode()


# --- Forwarding -----------------------------------------------------------------------------


def test_forwarding_moves_the_appeal_and_the_first_organization_loses_it(
    client, registered, official
):
    competent = make_organization("water-company")
    their_official = make_staff(competent)
    enter(client, official)
    response = client.post(
        url("forward", registered),
        {"forward-organization": competent.pk, "forward-reason": "Pipes are theirs."},
    )
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("cabinet:home"))
    registered.refresh_from_db()
    assert registered.organization == competent
    assert registered.status == Status.SENT
    assert registered.registration_number == ""
    assert page_of(client, registered).status_code == 404
    assert (
        registered.problem.title
        not in client.get(reverse("cabinet:home"), {"section": "all"}).content.decode()
    )

    client.logout()
    enter(client, their_official)
    response = page_of(client, registered)
    assert response.status_code == 200
    assert "Pipes are theirs." in response.content.decode()
    assert "register" in response.context["forms"]


def test_an_appeal_cannot_be_forwarded_to_its_own_addressee(client, registered, official, office):
    enter(client, official)
    response = client.post(
        url("forward", registered),
        {"forward-organization": office.pk, "forward-reason": "Why not."},
    )
    assert response.status_code == 200
    registered.refresh_from_db()
    assert registered.organization == office


# --- Heads above the addressee --------------------------------------------------------------


def test_a_head_of_the_parent_organization_reads_the_appeal_without_acting_on_it(
    client, registered, city_hall
):
    head = make_staff(city_hall, Role.HEAD)
    enter(client, head)
    response = page_of(client, registered)
    assert response.status_code == 200
    assert response.context["read_only"] is True
    assert set(response.context["forms"]) == {"control"}
    page = response.content.decode()
    assert registered.signatures.first().full_name in page
    assert registered.revisions.first().text in page


def test_a_head_of_the_parent_organization_takes_the_appeal_under_control_and_lifts_it(
    client, registered, city_hall
):
    head = make_staff(city_hall, Role.HEAD)
    enter(client, head)
    response = client.post(url("control", registered), {"control-under_control": "True"})
    assert response.status_code == 302
    registered.refresh_from_db()
    assert registered.under_control
    inbox = client.get(
        reverse("cabinet:home"),
        {"organization": registered.organization.slug, "section": "under_control"},
    )
    assert list(inbox.context["page"]) == [registered]

    client.post(url("control", registered), {"control-under_control": "False"})
    registered.refresh_from_db()
    assert not registered.under_control


def test_a_head_of_the_addressee_both_answers_and_controls(client, registered, office):
    head = make_staff(office, Role.HEAD)
    enter(client, head)
    forms = page_of(client, registered).context["forms"]
    assert {"final", "control"} <= forms.keys()
