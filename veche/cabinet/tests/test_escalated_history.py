"""The new addressee of an escalated appeal reads the history it carries: which deadline the
earlier addressee missed, when it had received and registered the appeal; in the cabinet and in
the document it receives."""

import datetime
import io

import pytest
from django.utils import timezone, translation
from pypdf import PdfReader

from tests.factories import make_organization, make_problem, make_staff
from tests.sign_in import enter
from veche.appeals.documents import appeal_pdf
from veche.appeals.models import Appeal
from veche.appeals.services import escalate_appeal, register_appeal, send_appeal_now
from veche.organizations.models import Membership

# Made relative to today, checked against today: within one day (conftest.py).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("one_city_day")]
Role = Membership.Role


@pytest.fixture
def city_hall():
    return make_organization("city-hall", en="City Hall")


@pytest.fixture
def office(city_hall):
    return make_organization("district-office", parent=city_hall, en="District Office")


@pytest.fixture
def escalated(office, city_hall):
    """An appeal the district office registered and left unanswered past its due date, taken
    to the city hall, which has received the new appeal."""
    problem = make_problem(organization=office)
    appeal = problem.current_appeal
    send_appeal_now(author=problem.author, appeal=appeal)
    register_appeal(
        official=make_staff(office, Role.OFFICIAL), appeal=appeal, registration_number="ВХ-9/26"
    )
    Appeal.objects.filter(pk=appeal.pk).update(due_date=datetime.date(2026, 3, 2))
    new = escalate_appeal(
        author=problem.author, appeal=Appeal.objects.get(pk=appeal.pk), organization=city_hall
    )
    send_appeal_now(author=problem.author, appeal=new)
    return Appeal.objects.get(pk=new.pk)


def test_the_new_addressee_sees_the_missed_deadline_of_the_earlier_appeal(
    client, escalated, city_hall
):
    enter(client, make_staff(city_hall, Role.OFFICIAL))
    page = client.get(
        f"/cabinet/appeals/{escalated.pk}/", headers={"accept-language": "en"}
    ).content.decode()
    assert "Earlier appeals on this problem" in page
    assert "registered under No. ВХ-9/26" in page
    today = timezone.localdate()
    assert (
        f"Not answered by its due date, 2 March 2026. The author escalated it on {today:%-d %B %Y}."
        in page
    )


def test_the_appeal_document_carries_the_earlier_appeal_and_its_missed_deadline(
    escalated, settings
):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        pdf = appeal_pdf(escalated, for_addressee=True)
    text = " ".join(
        " ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages
    )
    assert "Earlier appeals on this problem" in text
    assert "It was not answered by its due date, 02.03.2026." in text
