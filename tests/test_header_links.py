"""The header offers each person the workspace their permissions open, and nothing that answers
403: every link of its account menu is walked for every role."""

import re

import pytest

from tests.factories import make_organization, make_resident, make_staff, make_territory, make_user
from tests.sign_in import enter
from veche.organizations.models import Membership

pytestmark = pytest.mark.django_db

ACCOUNT_NAV = re.compile(r'<nav class="account-nav"[^>]*>(.*?)</nav>', re.S)
LINK = re.compile(r'<a [^>]*href="([^"]+)"[^>]*>\s*([^<]*?)\s*<')

Role = Membership.Role


def person(role: str):
    if role == "resident":
        return make_resident(make_territory())
    if role == "administrator":
        return make_user(is_staff=True, is_superuser=True)
    if role == "staff_without_powers":
        return make_user(is_staff=True)
    return make_staff(make_organization(), role)


# What the header offers as the workspace of each role ("" for none).
WORKSPACES = {
    "resident": "",
    Role.OFFICIAL: "Cabinet",
    Role.HEAD: "Cabinet",
    Role.ORGANIZER: "Discussions I run",
    Role.EXPERT: "",
    Role.MODERATOR: "Moderation",
    "administrator": "E-control",
    "staff_without_powers": "E-control",  # staff see the city's figures
}


@pytest.mark.parametrize("role", list(WORKSPACES))
def test_every_link_of_the_header_opens_for_the_person_it_is_shown_to(client, role):
    enter(client, person(role))
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    links = LINK.findall(ACCOUNT_NAV.search(page.content.decode()).group(1))
    assert links, "the account menu has links"
    for href, _label in links:
        assert client.get(href).status_code == 200, (role, href)
    workspaces = {"Cabinet", "Discussions I run", "E-control", "Moderation"}
    shown = [label for _href, label in links if label in workspaces]
    assert shown == ([WORKSPACES[role]] if WORKSPACES[role] else [])
