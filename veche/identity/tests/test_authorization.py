"""Who may change what Veche knows about people: every role × every identity power.

Uploading a census, moving a verification to another account and reviewing a declaration of
property are each asked of every role; a refused request changes nothing. The allowed roles
are the control: the same request by them does change the database, so a refusal here is a
refusal, not a broken request.
"""

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.factories import make_organization, make_staff, make_territory, make_user
from tests.sign_in import enter, with_second_factor
from veche.core.models import AuditEvent
from veche.identity.models import CensusImport, Level, PropertyClaim, Verification
from veche.identity.services import record_verification
from veche.organizations.models import Membership

pytestmark = pytest.mark.django_db

ROLES = [
    "anonymous",
    "resident",
    "staff_without_permissions",
    "census_operator",
    "rebind_operator",
    "organizer_of_the_territory",
    "organizer_elsewhere",
    "superuser",
]
# How each power answers each role that may not use it: the admin sends those who are not
# staff to its sign-in page; staff and residents without the power get 403.
ALLOWED = {
    "census_upload": {"census_operator", "superuser"},
    "rebind": {"rebind_operator", "superuser"},
    "claim_review": {"organizer_of_the_territory", "superuser"},
}
ADMIN_POWERS = {"census_upload", "rebind"}


def staff_with(*codenames: str, **fields):
    person = make_user(is_staff=True, **fields)
    person.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    return with_second_factor(person)  # staff and organizers must use one


@pytest.fixture
def world():
    district = make_territory("kazan-vakhitovsky")
    organizer = make_staff(make_organization(jurisdiction=[district]), Membership.Role.ORGANIZER)
    elsewhere = make_staff(
        make_organization(jurisdiction=[make_territory("kazan-sovetsky")]),
        Membership.Role.ORGANIZER,
    )
    return {
        "district": district,
        "anonymous": None,
        "resident": make_user(),
        # Every model permission of the other identity models, but not the one that matters.
        "staff_without_permissions": staff_with(
            "view_censusimport",
            "change_censusimport",
            "view_verification",
            "change_verification",
            "view_propertyclaim",
            "change_propertyclaim",
        ),
        "census_operator": staff_with("add_censusimport", "view_censusimport"),
        "rebind_operator": staff_with("rebind_verification", "view_verification"),
        "organizer_of_the_territory": with_second_factor(organizer),
        "organizer_elsewhere": with_second_factor(elsewhere),
        "superuser": with_second_factor(make_user(is_staff=True, is_superuser=True)),
    }


def claim_of(person, district) -> PropertyClaim:
    return PropertyClaim.objects.create(
        user=person,
        territory=district,
        kind=PropertyClaim.Kind.LAND,
        cadastral_number="16:50:011101:12",
        document="property-claims/x.pdf",
    )


def census_upload(client, world, _role):
    response = client.post(
        "/admin/identity/censusimport/upload/",
        {
            "territory": world["district"].pk,
            "file": SimpleUploadedFile("census.csv", b"identifier,birthdate\n1,1990-01-01\n"),
        },
    )
    return response, CensusImport.objects.exists()


def rebind(client, world, _role):
    holder, owner = make_user(), make_user("owner@example.org")
    taken = record_verification(
        user=holder,
        level=Level.CENSUS,
        source=Verification.Source.CENSUS,
        source_reference="census:1",
        claims={},
        subject="a" * 64,
    )
    response = client.post(
        f"/admin/identity/verification/{taken.pk}/rebind/",
        {"email": "owner@example.org", "reason": "Паспорт владельца проверен."},
    )
    return response, owner.verifications.exists()


def claim_review(client, world, _role):
    claim = claim_of(make_user(), world["district"])
    response = client.post(f"/verification/claims/{claim.pk}/", {"decision": "accept"})
    claim.refresh_from_db()
    return response, claim.status == PropertyClaim.Status.ACCEPTED


POWERS = {"census_upload": census_upload, "rebind": rebind, "claim_review": claim_review}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("power", list(POWERS))
def test_each_role_uses_only_the_identity_powers_granted_to_it(client, world, power, role):
    if world[role] is not None:
        enter(client, world[role])
    response, changed = POWERS[power](client, world, role)
    if role in ALLOWED[power]:
        assert response.status_code == 302, response
        assert changed
        return
    assert not changed
    if role == "anonymous" or (power in ADMIN_POWERS and not world[role].is_staff):
        assert response.status_code == 302
        assert "login" in response["Location"]
    else:
        assert response.status_code == 403


@pytest.mark.parametrize("role", ["organizer_of_the_territory", "superuser"])
def test_nobody_reviews_their_own_declaration(client, world, role):
    reviewer = world[role]
    own = claim_of(reviewer, world["district"])
    enter(client, reviewer)
    assert "16:50:011101:12" not in client.get("/verification/claims/").text
    response = client.post(f"/verification/claims/{own.pk}/", {"decision": "accept"})
    assert response.status_code == 403
    own.refresh_from_db()
    assert own.status == PropertyClaim.Status.PENDING
    assert not AuditEvent.objects.filter(action__startswith="identity.property_").exists()


def test_nobody_accepts_their_own_declaration_in_the_admin(client, world):
    superuser = world["superuser"]
    own = claim_of(superuser, world["district"])
    enter(client, superuser)
    client.post(
        "/admin/identity/propertyclaim/",
        {"action": "accept", "_selected_action": [own.pk]},
    )
    own.refresh_from_db()
    assert own.status == PropertyClaim.Status.PENDING


def test_staff_without_the_permission_see_no_census_upload_page(client, world):
    enter(client, world["staff_without_permissions"])
    assert client.get("/admin/identity/censusimport/upload/").status_code == 403
    enter(client, world["census_operator"])
    assert client.get("/admin/identity/censusimport/upload/").status_code == 200


def test_staff_without_the_permission_see_no_move_link_or_page(client, world):
    taken = record_verification(
        user=make_user(),
        level=Level.CENSUS,
        source=Verification.Source.CENSUS,
        source_reference="census:1",
        claims={},
        subject="b" * 64,
    )
    enter(client, world["staff_without_permissions"])
    assert client.get(f"/admin/identity/verification/{taken.pk}/rebind/").status_code == 403
    enter(client, world["rebind_operator"])
    assert client.get(f"/admin/identity/verification/{taken.pk}/rebind/").status_code == 200
