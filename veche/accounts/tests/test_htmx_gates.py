"""An htmx request turned away to sign in takes the whole page to the sign-in form, back to the
page the person was on; htmx would otherwise put the sign-in page inside the form's box."""

import pytest
from django.http import HttpResponseRedirect
from django.test import Client, RequestFactory

from tests.factories import make_problem
from veche.accounts.middleware import HtmxGateMiddleware

pytestmark = pytest.mark.django_db


def test_a_signature_without_a_session_sends_the_page_to_sign_in_and_back():
    problem = make_problem()
    page = problem.get_absolute_url()
    htmx = Client(HTTP_HX_REQUEST="true", HTTP_HX_CURRENT_URL=f"http://testserver{page}?tab=1")
    answer = htmx.post(f"/problems/{problem.pk}/sign/", {"agree": "on"})
    assert answer.status_code == 200
    assert (
        answer["HX-Redirect"]
        == "/accounts/login/?next=%2Fproblems%2F" + f"{problem.pk}%2F%3Ftab%3D1"
    )
    assert not answer.content
    # Without htmx, the redirect as Django makes it.
    plain = Client().post(f"/problems/{problem.pk}/sign/", {"agree": "on"})
    assert plain.status_code == 302
    assert plain["Location"] == f"/accounts/login/?next=/problems/{problem.pk}/sign/"


def test_a_page_of_another_site_is_not_where_the_person_is_sent_back():
    problem = make_problem()
    htmx = Client(HTTP_HX_REQUEST="true", HTTP_HX_CURRENT_URL="https://elsewhere.example/x/")
    answer = htmx.post(f"/problems/{problem.pk}/sign/", {"agree": "on"})
    assert answer["HX-Redirect"] == f"/accounts/login/?next=%2Fproblems%2F{problem.pk}%2Fsign%2F"


def test_other_redirects_of_htmx_requests_are_left_alone():
    gate = HtmxGateMiddleware(lambda request: HttpResponseRedirect("/problems/?page=2"))
    answer = gate(RequestFactory().post("/x/", HTTP_HX_REQUEST="true"))
    assert answer.status_code == 302 and answer["Location"] == "/problems/?page=2"
    assert not answer.has_header("HX-Redirect")


def test_a_boosted_request_follows_its_redirect_as_a_whole_page():
    gate = HtmxGateMiddleware(lambda request: HttpResponseRedirect("/accounts/login/?next=/x/"))
    request = RequestFactory().get("/x/", HTTP_HX_REQUEST="true", HTTP_HX_BOOSTED="true")
    answer = gate(request)
    assert answer.status_code == 302 and not answer.has_header("HX-Redirect")
    # The same redirect of a request from a form of the page becomes a whole-page one.
    request = RequestFactory().post("/x/", HTTP_HX_REQUEST="true")
    assert gate(request)["HX-Redirect"] == "/accounts/login/?next=%2Fx%2F"
