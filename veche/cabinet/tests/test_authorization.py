"""Who may act on an appeal from the cabinet: every action × every outsider is refused, and a
refused request changes nothing in the database.

The matrix is checked against a control: the same requests by the right person do change the
appeal, so a refusal here is a refusal, not a broken request.
"""

import pytest
from django.urls import reverse

from tests.factories import make_organization, make_resident, make_staff, make_territory, make_user
from tests.sign_in import enter
from veche.appeals.models import (
    Answer,
    AnswerAttachment,
    Appeal,
    Dispatch,
    Message,
    Signature,
)
from veche.cabinet.tests.builders import pdf, registered_appeal, sent_appeal
from veche.core.models import AuditEvent
from veche.organizations.models import Membership

pytestmark = pytest.mark.django_db
Role = Membership.Role

ACTIONS = [
    "register",
    "message",
    "signatories",
    "interim",
    "extension",
    "forward",
    "final",
    "control",
]
OUTSIDERS = [
    "anonymous",
    "resident",
    "author",
    "official_of_another_organization",
    "head_of_an_unrelated_organization",
]
# How each outsider is turned away: never a page that confirms the appeal exists.
REFUSAL = {
    "anonymous": 302,  # to sign in
    "resident": 403,
    "author": 403,
    "official_of_another_organization": 404,
    "head_of_an_unrelated_organization": 404,
}


@pytest.fixture
def world():
    district = make_territory("vakhitovsky")
    city_hall = make_organization("city-hall")
    office = make_organization("district-office", parent=city_hall, jurisdiction=[district])
    another = make_organization("water-company")
    unrelated = make_organization("other-city-hall")
    return {
        "district": district,
        "city_hall": city_hall,
        "office": office,
        "another": another,
        "official": make_staff(office, Role.OFFICIAL),
        "head_of_office": make_staff(office, Role.HEAD),
        "head_above": make_staff(city_hall, Role.HEAD),
        "official_of_another_organization": make_staff(another, Role.OFFICIAL),
        "head_of_an_unrelated_organization": make_staff(unrelated, Role.HEAD),
    }


@pytest.fixture
def appeal_for(world):
    """An appeal in the state where `action` makes sense: sent for registering, else registered."""

    def build(action: str) -> Appeal:
        neighbour = make_resident(world["district"])
        if action == "register":
            appeal = sent_appeal(world["office"], world["district"], neighbour=neighbour)
        else:
            appeal = registered_appeal(
                world["office"], world["district"], world["official"], neighbour=neighbour
            )
        appeal.neighbour = neighbour
        return appeal

    return build


def payload(action: str, world) -> dict:
    return {
        "register": {"register-registration_number": "ВХ-77/26"},
        "message": {"message-text": "Please tell us the exact address."},
        "signatories": {
            "signatories-text": "Works start on Monday.",
            "signatories-public": "on",
        },
        "interim": {
            "interim-text": "A commission will visit on Monday.",
            "interim-attachments": pdf(),
        },
        "extension": {"extension-reason": "A survey of the road takes more time."},
        "forward": {
            "forward-organization": world["another"].pk,
            "forward-reason": "Water pipes are the water company's.",
        },
        "final": {
            "final-text": "The road will be repaired in May.",
            "final-attachments": pdf(),
            "final-on_letterhead": "on",
        },
        "control": {"control-under_control": "True"},
    }[action]


def person(who: str, world, appeal):
    if who == "anonymous":
        return None
    if who == "resident":
        return appeal.neighbour  # a signatory, even: signing gives no cabinet
    if who == "author":
        return appeal.problem.author
    return world[who]


def snapshot(appeal: Appeal) -> dict:
    return {
        "appeal": Appeal.objects.filter(pk=appeal.pk).values().get(),
        "answers": Answer.objects.count(),
        "messages": Message.objects.count(),
        "attachments": AnswerAttachment.objects.count(),
        "dispatches": Dispatch.objects.count(),
        "signatures": Signature.objects.count(),
        "audit events": AuditEvent.objects.count(),
    }


def post(client, action: str, appeal: Appeal, data: dict):
    return client.post(reverse(f"cabinet:{action}", args=[appeal.pk]), data)


@pytest.mark.parametrize("who", OUTSIDERS)
@pytest.mark.parametrize("action", ACTIONS)
def test_outsiders_are_refused_and_nothing_changes(client, world, appeal_for, action, who):
    appeal = appeal_for(action)
    user = person(who, world, appeal)
    if user is not None:
        enter(client, user)
    before = snapshot(appeal)

    response = post(client, action, appeal, payload(action, world))

    assert response.status_code == REFUSAL[who]
    if who == "anonymous":
        assert response["Location"].startswith(reverse("account_login"))
    assert snapshot(appeal) == before


@pytest.mark.parametrize(
    "action", ["register", "message", "signatories", "interim", "extension", "forward", "final"]
)
def test_a_head_above_the_addressee_only_reads_and_cannot_act(client, world, appeal_for, action):
    appeal = appeal_for(action)
    enter(client, world["head_above"])
    before = snapshot(appeal)
    assert post(client, action, appeal, payload(action, world)).status_code == 403
    assert snapshot(appeal) == before


def test_an_official_who_is_not_a_head_cannot_take_an_appeal_under_control(
    client, world, appeal_for
):
    appeal = appeal_for("control")
    enter(client, world["official"])
    before = snapshot(appeal)
    assert post(client, "control", appeal, payload("control", world)).status_code == 403
    assert snapshot(appeal) == before


@pytest.mark.parametrize("who", OUTSIDERS)
def test_outsiders_do_not_see_the_appeal_page(client, world, appeal_for, who):
    appeal = appeal_for("final")
    user = person(who, world, appeal)
    if user is not None:
        enter(client, user)
    response = client.get(reverse("cabinet:appeal", args=[appeal.pk]))
    assert response.status_code == REFUSAL[who]


def test_officials_of_another_organization_cannot_tell_an_appeal_from_a_missing_one(
    client, world, appeal_for
):
    appeal = appeal_for("final")
    enter(client, world["official_of_another_organization"])
    existing = client.get(reverse("cabinet:appeal", args=[appeal.pk]))
    missing = client.get(reverse("cabinet:appeal", args=[appeal.pk + 1000]))
    assert existing.status_code == missing.status_code == 404


# --- The control: the right person, the same requests -------------------------------------

ACTOR = dict.fromkeys(ACTIONS, "official") | {"control": "head_of_office"}


@pytest.mark.parametrize("action", ACTIONS)
def test_the_same_request_by_the_addressee_does_change_the_appeal(
    client, world, appeal_for, action
):
    appeal = appeal_for(action)
    enter(client, world[ACTOR[action]])
    before = snapshot(appeal)
    response = post(client, action, appeal, payload(action, world))
    assert response.status_code == 302
    assert snapshot(appeal) != before


def test_a_signed_in_staff_member_without_a_second_factor_is_sent_to_set_one_up(
    client, world, appeal_for
):
    appeal = appeal_for("register")
    client.force_login(make_staff(world["office"]))
    before = snapshot(appeal)
    response = post(client, "register", appeal, payload("register", world))
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")
    assert snapshot(appeal) == before


def test_a_resident_without_any_role_is_refused_the_whole_cabinet(client):
    enter(client, make_user())
    assert client.get(reverse("cabinet:home")).status_code == 403
    assert client.get(reverse("cabinet:subordinates")).status_code == 403


def test_a_superuser_without_an_organization_is_refused_the_cabinet_not_shown_an_error(client):
    enter(client, make_user(is_staff=True, is_superuser=True))
    assert client.get(reverse("cabinet:home")).status_code == 403
