"""Who may open and do what in registering cabinets and managing staff: every page and action ×
every person (a visitor, a resident, the applicant, a platform administrator, the head of another
organization, an official of the organization), with the right person as the control. A refused
request changes nothing."""

import pytest
from django.urls import reverse

from tests.factories import make_organization, make_resident, make_staff, make_territory, make_user
from tests.sign_in import enter
from veche.cabinet import services
from veche.cabinet.tests.registration import file_application, make_reviewer
from veche.core.models import AuditEvent
from veche.organizations.models import CabinetApplication, Invitation, Membership

pytestmark = pytest.mark.django_db
Role = Membership.Role
PEOPLE = ["anonymous", "resident", "applicant", "reviewer", "head_elsewhere", "official", "head"]


@pytest.fixture
def world(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    territory = make_territory()
    office = make_organization("office", jurisdiction=[territory])
    applicant = make_resident(territory)
    application = file_application(applicant, territory=territory)
    head = make_staff(office, Role.HEAD)
    people = {
        "anonymous": None,
        "resident": make_resident(territory),
        "applicant": applicant,
        "reviewer": make_reviewer(),
        "head_elsewhere": make_staff(make_organization("elsewhere"), Role.HEAD),
        "official": make_staff(office, Role.OFFICIAL),
        "head": head,
    }
    invitation = services.invite_staff(
        user=head, organization=office, email="new@example.org", role=Role.EXPERT
    )
    expert = Membership.objects.create(organization=office, user=make_user(), role=Role.EXPERT)
    return {
        "people": people,
        "office": office,
        "application": application,
        "invitation": invitation,
        "expert": expert,
    }


def as_(client, person):
    if person is not None:
        enter(client, person)
    return client


# page → (how it is asked, {person: status}); 302 for a visitor is the way to sign in.
PAGES = {
    "applications": ("get", {"reviewer": 200, "anonymous": 302, "*": 403}),
    "application": ("get", {"reviewer": 200, "applicant": 200, "anonymous": 302, "*": 404}),
    "staff_of_office": ("get", {"head": 200, "anonymous": 302, "head_elsewhere": 404, "*": 403}),
    "apply": ("get", {"resident": 200, "applicant": 200, "anonymous": 302, "*": 403}),
}


def url_of(page: str, world) -> str:
    return {
        "applications": reverse("cabinet:applications"),
        "application": reverse("cabinet:application", args=[world["application"].pk]),
        "staff_of_office": f"{reverse('cabinet:staff')}?organization=office",
        "apply": reverse("cabinet:apply"),
    }[page]


@pytest.mark.parametrize("page", list(PAGES))
@pytest.mark.parametrize("person", PEOPLE)
def test_each_page_opens_exactly_for_its_people(client, world, page, person):
    _method, statuses = PAGES[page]
    expected = statuses.get(person, statuses["*"])
    answer = as_(client, world["people"][person]).get(url_of(page, world))
    assert answer.status_code == expected


# action → (the person it is for, what it posts, what shows it was done)
def _approve(world):
    return (
        reverse("cabinet:approve", args=[world["application"].pk]),
        {"slug": "vodokanal"},
    )


def _refuse(world):
    return (reverse("cabinet:refuse", args=[world["application"].pk]), {"reason": "Нет."})


def _invite(world):
    return (
        reverse("cabinet:invite", args=["office"]),
        {"email": "another@example.org", "role": "official"},
    )


def _revoke(world):
    return (reverse("cabinet:revoke_invitation", args=[world["invitation"].pk]), {})


def _remove(world):
    return (reverse("cabinet:remove_member", args=[world["expert"].pk]), {})


def _state(world) -> tuple:
    application = CabinetApplication.objects.get(pk=world["application"].pk)
    return (
        application.status,
        Invitation.objects.filter(status=Invitation.Status.PENDING).count(),
        Invitation.objects.count(),
        Membership.objects.count(),
        AuditEvent.objects.count(),
    )


ACTIONS = {
    "approve": (_approve, "reviewer", {"applicant": 403}),
    "refuse": (_refuse, "reviewer", {"applicant": 403}),
    "invite": (_invite, "head", {}),
    "revoke": (_revoke, "head", {}),
    "remove": (_remove, "head", {}),
}


@pytest.mark.parametrize("action", list(ACTIONS))
@pytest.mark.parametrize("person", PEOPLE)
def test_each_action_is_done_only_by_its_person(client, world, action, person):
    build, allowed, refusals = ACTIONS[action]
    url, data = build(world)
    before = _state(world)
    answer = as_(client, world["people"][person]).post(url, data)
    if person == allowed:
        assert answer.status_code == 302
        assert _state(world) != before
        return
    # Refused: to sign in, or a page that does not confirm the thing exists, or plainly 403.
    expected = 302 if person == "anonymous" else refusals.get(person, 404)
    assert answer.status_code == expected
    if person == "anonymous":
        assert answer["Location"].startswith(reverse("account_login"))
    assert _state(world) == before
