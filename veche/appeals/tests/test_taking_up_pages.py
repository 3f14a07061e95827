"""The pages of taking up a problem: the form that previews and sends the letter, the problem's
page that shows who took it up, the letter as a public PDF, the addressee's cabinet."""

import pytest

from tests.factories import make_resident, make_staff
from tests.sign_in import enter
from veche.appeals.models import TakeUp
from veche.appeals.services import send_appeal_now, take_up_problem
from veche.appeals.tests.take_up_cast import LETTER, make_cast
from veche.organizations.models import Membership

pytestmark = pytest.mark.django_db


@pytest.fixture
def cast():
    return make_cast()


def form_url(cast) -> str:
    return f"/problems/{cast.problem.pk}/take-up/"


def page(client, url, language="en") -> str:
    response = client.get(url, headers={"accept-language": language})
    assert response.status_code == 200
    return response.content.decode()


def taken(cast):
    return take_up_problem(
        official=cast.deputy_head, problem=cast.problem, organization=cast.deputy, text=LETTER
    )


def test_the_preview_shows_the_letter_and_sends_nothing(client, cast):
    enter(client, cast.deputy_head)
    response = client.post(
        form_url(cast),
        {"organization": cast.deputy.pk, "text": LETTER, "step": "preview"},
        headers={"accept-language": "en"},
    )
    html = response.content.decode()
    assert "The letter as it will be sent" in html
    assert "ДЕПУТАТ КАЗАНСКОЙ ГОРОДСКОЙ ДУМЫ" in html
    assert "Send the letter" in html
    assert not TakeUp.objects.exists()


def test_sending_takes_it_up_and_returns_to_the_problem(client, cast):
    enter(client, cast.deputy_head)
    response = client.post(
        form_url(cast), {"organization": cast.deputy.pk, "text": LETTER, "step": "send"}
    )
    assert response.status_code == 302
    assert response.url == f"/problems/{cast.problem.pk}/#taken-up"
    assert TakeUp.objects.get().organization == cast.deputy


def test_an_obscene_letter_is_shown_again_with_the_reason(client, cast):
    enter(client, cast.deputy_head)
    text = (
        "Мы поддерживаем жителей, а эти " + "бляди" + " из администрации ничего не делают уже год."
    )
    response = client.post(
        form_url(cast),
        {"organization": cast.deputy.pk, "text": text, "step": "send"},
        headers={"accept-language": "en"},
    )
    assert "obscene" in response.content.decode()
    assert not TakeUp.objects.exists()


def test_a_second_sending_is_refused_on_the_page(client, cast):
    taken(cast)
    enter(client, cast.deputy_official)
    html = page(client, form_url(cast))
    assert "has already taken up this problem" in html
    assert 'name="text"' not in html  # nothing left to send for


def test_another_organizations_id_posted_to_the_form_is_refused(client, cast):
    """A party's head posts the deputy's id: the form offers only the party."""
    party_head = make_staff(cast.party, Membership.Role.HEAD)
    enter(client, party_head)
    client.post(form_url(cast), {"organization": cast.deputy.pk, "text": LETTER, "step": "send"})
    assert not TakeUp.objects.exists()


@pytest.mark.parametrize("who", ["resident", "addressee_official"])
def test_the_form_is_forbidden_to_whoever_may_not_take_it_up(client, cast, who):
    person = make_resident(cast.problem.territory) if who == "resident" else cast.office_official
    enter(client, person)
    assert client.get(form_url(cast)).status_code == 403
    assert client.post(form_url(cast), {"text": LETTER, "step": "send"}).status_code == 403


def test_an_anonymous_visitor_is_asked_to_sign_in(client, cast):
    response = client.get(form_url(cast))
    assert response.status_code == 302
    assert "/accounts/login/" in response.url


@pytest.mark.parametrize(
    "language, heading, button",
    [("en", "Taken up by", "Take up this problem"), ("ru", "Поддержали", "Поддержать проблему")],
)
def test_the_problem_page_offers_taking_it_up_to_other_organizations_staff(
    client, cast, language, heading, button
):
    enter(client, cast.deputy_head)
    html = page(client, cast.problem.get_absolute_url(), language)
    assert heading in html and button in html


def test_the_problem_page_offers_nothing_more_once_the_organization_took_it_up(client, cast):
    taken(cast)
    enter(client, cast.deputy_official)
    html = page(client, cast.problem.get_absolute_url())
    assert "Taken up by" in html and "Take up this problem" not in html


def test_the_problem_page_offers_nothing_to_a_resident(client, cast):
    enter(client, make_resident(cast.problem.territory))
    assert "Take up this problem" not in page(client, cast.problem.get_absolute_url())


@pytest.mark.parametrize("language", ["en", "ru"])
def test_the_problem_page_shows_who_took_it_up_with_the_letter(client, cast, language):
    take_up = taken(cast)
    html = page(client, cast.problem.get_absolute_url(), language)
    assert cast.deputy.get_absolute_url() in html
    assert f"/documents/take-up/{take_up.pk}.pdf" in html
    assert take_up.document.get_absolute_url() in html
    assert cast.deputy.title in html


def test_the_letter_is_a_public_pdf(client, cast):
    take_up = taken(cast)
    response = client.get(f"/documents/take-up/{take_up.pk}.pdf")
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_the_letter_of_a_hidden_problem_is_not_served(client, cast):
    from django.utils import timezone

    take_up = taken(cast)
    cast.problem.hidden_at = timezone.now()
    cast.problem.save(update_fields=["hidden_at"])
    assert client.get(f"/documents/take-up/{take_up.pk}.pdf").status_code == 404


def test_the_addressees_cabinet_shows_the_letter_on_the_appeal_page(client, cast):
    take_up = taken(cast)
    send_appeal_now(author=cast.problem.author, appeal=cast.appeal)
    enter(client, cast.office_official)
    html = page(client, f"/cabinet/appeals/{cast.appeal.pk}/")
    assert "Taken up publicly by" in html
    assert "яма во дворе опасна для детей" in html
    assert f"/documents/take-up/{take_up.pk}.pdf" in html
