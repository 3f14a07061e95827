"""Marking notices read goes back to the page the person came from, or to the inbox."""

import pytest
from django.urls import reverse

from tests.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("target", ["1", "notifications:inbox", "https://evil.example.org/"])
def test_a_forged_next_goes_back_to_the_inbox(client, target):
    client.force_login(make_user())
    for name in ("notifications:read", "notifications:read_all"):
        response = client.post(reverse(name), {"next": target, "notification": "²"})
        assert response.status_code == 302
        assert response["Location"] == reverse("notifications:inbox")


def test_a_page_of_this_site_is_gone_back_to(client):
    client.force_login(make_user())
    response = client.post(reverse("notifications:read_all"), {"next": "/problems/"})
    assert response["Location"] == "/problems/"
