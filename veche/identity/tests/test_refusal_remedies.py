"""A refusal offers the step that would change it, and only that: a verified resident of another
district is not sent to confirm an identity already confirmed (issue 13, item 8)."""

import datetime

import pytest

from tests.factories import make_problem, make_resident, make_territory, make_user
from veche.identity.eligibility import Facts, Requirement, decide
from veche.identity.models import Level

DAY = datetime.date(2026, 12, 2)
DISTRICT = (("/ru/kazan/vakhitovsky/", "Vakhitovsky district"),)
ELSEWHERE = "/ru/kazan/sovetsky/"


@pytest.mark.parametrize(
    ("requirement", "facts", "remedy"),
    [
        (Requirement(min_level=Level.CENSUS), Facts(level=Level.EMAIL), "verify"),
        (
            Requirement(min_level=Level.EMAIL, min_age=18),
            Facts(level=Level.EMAIL),  # no verified birth date
            "verify",
        ),
        (
            Requirement(min_level=Level.EMAIL, min_age=18),
            Facts(level=Level.CENSUS, birthdate=datetime.date(2012, 1, 1)),
            "",  # too young: nothing to do
        ),
        (
            Requirement(min_level=Level.EMAIL, territories=DISTRICT),
            Facts(level=Level.EMAIL),  # residence not verified
            "verify",
        ),
        (
            Requirement(min_level=Level.EMAIL, territories=DISTRICT),
            Facts(level=Level.CENSUS, residence_path=ELSEWHERE, residence_name="Sovetsky"),
            "",  # verified, lives elsewhere
        ),
        (
            Requirement(min_level=Level.EMAIL, territories=DISTRICT, owners_qualify=True),
            Facts(level=Level.CENSUS, residence_path=ELSEWHERE, residence_name="Sovetsky"),
            "property",
        ),
        (
            Requirement(min_level=Level.EMAIL, territories=DISTRICT, owners_qualify=True),
            Facts(
                level=Level.CENSUS,
                residence_path=ELSEWHERE,
                residence_name="Sovetsky",
                pending_owned_paths=("/ru/kazan/vakhitovsky/",),
            ),
            "",  # the claim awaits review
        ),
        (
            Requirement(min_level=Level.CENSUS, territories=DISTRICT, owners_qualify=True),
            Facts(level=Level.EMAIL, residence_path=ELSEWHERE, residence_name="Sovetsky"),
            "verify",  # verifying comes first: it may also settle the address
        ),
    ],
)
def test_the_remedy_is_what_would_change_the_refusal(requirement, facts, remedy):
    decision = decide(requirement, facts, DAY)
    assert not decision.allowed
    assert decision.remedy == remedy


def test_an_allowed_person_needs_no_remedy():
    decision = decide(Requirement(min_level=Level.EMAIL), Facts(level=Level.CENSUS), DAY)
    assert decision.allowed and decision.remedy == ""


@pytest.mark.django_db
def test_the_sign_box_offers_verification_only_to_whom_it_would_help(client):
    district = make_territory("kazan-vakhitovsky")
    problem = make_problem(territory=district)
    neighbour_district = make_territory("kazan-sovetsky")
    verified_elsewhere = make_resident(neighbour_district)
    unverified = make_user()

    def sign_box(person) -> str:
        client.force_login(person)
        return client.get(problem.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()

    elsewhere_page = sign_box(verified_elsewhere)
    assert "You cannot sign yet" in elsewhere_page
    assert "your verified address is in" in elsewhere_page
    assert "Confirm your identity" not in elsewhere_page

    unverified_page = sign_box(unverified)
    assert "You cannot sign yet" in unverified_page
    assert "Confirm your identity" in unverified_page
