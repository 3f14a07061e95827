"""Applications for a discussion: a verified legal entity files one and follows it; the
organizers of the authority asked decide it with a reason and prepare the discussion from it."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from tests.factories import (
    make_organization,
    make_resident,
    make_staff,
    make_territory,
    make_user,
    tiny_pdf,
)
from tests.sign_in import enter
from veche.core.models import AuditEvent
from veche.discussions import services
from veche.discussions.forms_organizer import suggested_schedule
from veche.discussions.models import Application, Discussion
from veche.discussions.tests.organizer_cast import (
    file_application,
    make_legal_entity_representative,
)
from veche.identity.models import Level
from veche.organizations.models import Membership

# Made relative to today, checked against today: within one day (conftest.py).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("one_city_day")]


@pytest.fixture(autouse=True)
def _english_pages(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


@pytest.fixture
def territory():
    return make_territory(en="Kirovsky district")


@pytest.fixture
def authority(territory):
    return make_organization(jurisdiction=[territory], en="Executive committee")


@pytest.fixture
def organizer(authority):
    return make_staff(authority, Membership.Role.ORGANIZER)


@pytest.fixture
def developer():
    return make_legal_entity_representative()


def application_data(authority, territory, **changes) -> dict:
    data = {
        "organization": authority.pk,
        "subject": "conditional_use",
        "title": "Склад на участке 16:50:000000:123",
        "description": "Просим провести общественные обсуждения условно разрешённого вида.",
        "territory": territory.pk,
        "document": SimpleUploadedFile("project.pdf", tiny_pdf(), "application/pdf"),
    }
    data.update(changes)
    return data


# --- Filing -----------------------------------------------------------------------------------


def test_a_legal_entity_files_an_application_and_sees_it_pending(
    client, developer, authority, territory
):
    enter(client, developer)
    page = client.get(reverse("discussions:apply")).content.decode()
    assert "1027700132195" in page
    response = client.post(reverse("discussions:apply"), application_data(authority, territory))
    assert response.status_code == 302
    application = Application.objects.get()
    assert application.applicant == developer
    assert application.status == Application.Status.PENDING
    assert application.legal_entity["ogrn"] == "1027700132195"
    assert application.legal_entity["legal_name"].startswith("ООО «Стройинвест")
    page = client.get(reverse("discussions:my_applications")).content.decode()
    assert "Склад на участке 16:50:000000:123" in page
    assert "Under consideration" in page


@pytest.mark.parametrize("who", ["person", "resident"])
def test_a_person_without_a_legal_entity_is_told_why_and_files_nothing(
    client, authority, territory, who
):
    person = make_user() if who == "person" else make_resident(territory, level=Level.PROVIDER)
    enter(client, person)
    response = client.get(reverse("discussions:apply"))
    assert response.status_code == 403
    assert "No legal entity is verified for your account" in response.content.decode()
    response = client.post(reverse("discussions:apply"), application_data(authority, territory))
    assert response.status_code == 403
    assert not Application.objects.exists()


def test_the_project_must_come_as_a_pdf(client, developer, authority, territory):
    enter(client, developer)
    picture = SimpleUploadedFile("plan.pdf", b"\x89PNG\r\n\x1a\n" + b"0" * 64, "application/pdf")
    response = client.post(
        reverse("discussions:apply"), application_data(authority, territory, document=picture)
    )
    assert response.status_code == 400
    assert response.context["form"].errors["document"] == ["Attach the project as a PDF document."]
    assert not Application.objects.exists()


def test_an_application_needs_its_fields(client, developer, authority, territory):
    enter(client, developer)
    response = client.post(
        reverse("discussions:apply"), application_data(authority, territory, title="", subject="x")
    )
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"title", "subject"}
    assert not Application.objects.exists()


# --- Deciding ---------------------------------------------------------------------------------


def test_organizers_see_the_pending_applications_of_their_authority_only(
    client, developer, authority, territory, organizer
):
    application = file_application(developer, authority, territory)
    enter(client, organizer)
    page = client.get(reverse("discussions:applications")).content.decode()
    assert application.title in page
    assert reverse("discussions:application_document", args=[application.pk]) in page

    elsewhere = make_staff(make_organization(), Membership.Role.ORGANIZER)
    enter(client, elsewhere)
    page = client.get(reverse("discussions:applications")).content.decode()
    assert application.title not in page


@pytest.mark.parametrize("role", ["stranger", "organizer elsewhere", "official", "expert"])
def test_only_the_authoritys_organizers_decide(client, developer, authority, territory, role):
    application = file_application(developer, authority, territory)
    person = {
        "stranger": lambda: make_user(),
        "organizer elsewhere": lambda: make_staff(make_organization(), Membership.Role.ORGANIZER),
        "official": lambda: make_staff(authority, Membership.Role.OFFICIAL),
        "expert": lambda: make_staff(authority, Membership.Role.EXPERT),
    }[role]()
    enter(client, person)
    events = AuditEvent.objects.count()
    response = client.post(
        reverse("discussions:decide_application", args=[application.pk]),
        {f"a{application.pk}-decision": "accept", f"a{application.pk}-reason": "Согласовано"},
    )
    assert response.status_code == 403
    application.refresh_from_db()
    assert application.status == Application.Status.PENDING
    assert AuditEvent.objects.count() == events


def test_a_decision_needs_a_reason(client, developer, authority, territory, organizer):
    application = file_application(developer, authority, territory)
    enter(client, organizer)
    response = client.post(
        reverse("discussions:decide_application", args=[application.pk]),
        {f"a{application.pk}-decision": "refuse", f"a{application.pk}-reason": ""},
    )
    assert response.status_code == 400
    bound = next(form for app, form in response.context["pending"] if app == application)
    assert bound.errors["reason"]
    application.refresh_from_db()
    assert application.status == Application.Status.PENDING


def test_a_refusal_and_its_reason_reach_the_applicant(
    client, developer, authority, territory, organizer
):
    application = file_application(developer, authority, territory)
    enter(client, organizer)
    response = client.post(
        reverse("discussions:decide_application", args=[application.pk]),
        {
            f"a{application.pk}-decision": "refuse",
            f"a{application.pk}-reason": "Участок в охранной зоне объекта культурного наследия.",
        },
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == Application.Status.REFUSED
    assert application.decided_by == organizer
    enter(client, developer)
    page = client.get(reverse("discussions:my_applications")).content.decode()
    assert "Refused" in page
    assert "Участок в охранной зоне объекта культурного наследия." in page


def test_a_decided_application_is_not_decided_again(
    client, developer, authority, territory, organizer
):
    application = file_application(developer, authority, territory)
    services.decide_application(
        user=organizer, application=application, accept=True, reason="Согласовано."
    )
    enter(client, organizer)
    response = client.post(
        reverse("discussions:decide_application", args=[application.pk]),
        {f"a{application.pk}-decision": "refuse", f"a{application.pk}-reason": "Передумали"},
    )
    assert response.status_code == 400
    assert "This application has already been decided." in response.content.decode()
    application.refresh_from_db()
    assert application.status == Application.Status.ACCEPTED


# --- From an accepted application to a discussion -----------------------------------------------


def test_an_accepted_application_prefills_the_discussion_and_is_linked_to_it(
    client, developer, authority, territory, organizer
):
    application = file_application(developer, authority, territory)
    services.decide_application(
        user=organizer, application=application, accept=True, reason="Согласовано."
    )
    enter(client, organizer)
    page = client.get(reverse("discussions:applications")).content.decode()
    create_url = reverse("discussions:create") + f"?application={application.pk}"
    assert create_url.replace("&", "&amp;") in page

    form = client.get(create_url).context["form"]
    assert form.initial["title"] == application.title
    assert form.initial["subject"] == "conditional_use"
    assert form.initial["territory"] == territory.pk

    dates = suggested_schedule(timezone.localdate())
    data = {
        "application": application.pk,
        "organizer": authority.pk,
        "kind": "discussion",
        "subject": "conditional_use",
        "title": application.title,
        "description": application.description,
        "territory": territory.pk,
        "time_zone": "Europe/Moscow",
        **{name: value.isoformat() for name, value in dates.items()},
        "min_age": "18",
        "min_level": str(Level.CENSUS),
        "owners_qualify": "on",
    }
    response = client.post(create_url, data)
    assert response.status_code == 302
    discussion = Discussion.objects.get()
    application.refresh_from_db()
    assert application.discussion == discussion
    # Once used, the application prepares no second discussion.
    assert client.get(create_url).status_code == 404


def test_a_pending_or_foreign_application_prepares_nothing(
    client, developer, authority, territory, organizer
):
    application = file_application(developer, authority, territory)
    enter(client, organizer)
    create_url = reverse("discussions:create") + f"?application={application.pk}"
    assert client.get(create_url).status_code == 404
    services.decide_application(
        user=organizer, application=application, accept=True, reason="Согласовано."
    )
    elsewhere = make_staff(make_organization(), Membership.Role.ORGANIZER)
    enter(client, elsewhere)
    assert client.get(create_url).status_code == 404


# --- The project's document -----------------------------------------------------------------


def test_the_document_is_served_to_the_applicant_and_the_organizers_only(
    client, developer, authority, territory, organizer
):
    application = file_application(developer, authority, territory)
    url = reverse("discussions:application_document", args=[application.pk])
    for person in (developer, organizer):
        enter(client, person)
        response = client.get(url)
        assert response.status_code == 200
        assert b"".join(response.streaming_content).startswith(b"%PDF-")
        assert response["Content-Security-Policy"].startswith("sandbox")
    for person in (make_user(), make_staff(make_organization(), Membership.Role.ORGANIZER)):
        enter(client, person)
        assert client.get(url).status_code == 404


def test_the_same_application_filed_twice_is_refused_while_pending(developer, authority, territory):
    file_application(developer, authority, territory)
    with pytest.raises(ValidationError, match="already filed"):
        file_application(developer, authority, territory)
    assert Application.objects.count() == 1
