"""Programs that sign up in bulk: a box no person meets (out of sight, out of the tab order,
hidden from screen readers) must stay empty; no image CAPTCHA, nothing that needs JavaScript."""

import re

import pytest
from django.core import mail

from tests.factories import PASSWORD
from veche.accounts.models import User

pytestmark = pytest.mark.django_db

FORM = {
    "email": "new.resident@example.org",
    "password1": PASSWORD,
    "password2": PASSWORD,
    "consent_processing": "on",
}


def test_a_form_with_the_trap_filled_in_creates_no_account(client):
    response = client.post(
        "/accounts/signup/", {**FORM, "comment_extra": "best casino"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 200
    assert "filled in by a program" in response.text
    assert not User.objects.filter(email=FORM["email"]).exists()
    assert not mail.outbox


def test_a_person_who_never_sees_the_trap_signs_up(client):
    assert client.post("/accounts/signup/", {**FORM, "comment_extra": ""}).status_code == 302
    assert User.objects.filter(email=FORM["email"]).exists()


def test_the_trap_is_out_of_sight_out_of_the_tab_order_and_hidden_from_screen_readers(client):
    page = client.get("/accounts/signup/").text
    trap = re.search(r'<div class="field-trap" aria-hidden="true">(.*?)</div>', page, re.S)
    assert trap, "the trap is wrapped in an aria-hidden box"
    box = re.search(r"<input[^>]*name=\"comment_extra\"[^>]*>", trap.group(1)).group(0)
    assert 'tabindex="-1"' in box and 'autocomplete="off"' in box and 'type="text"' in box
    assert "<img" not in page  # no picture to read
