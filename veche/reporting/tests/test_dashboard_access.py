"""Who sees the e-control dashboard, and which discussions: administrators all, heads their
organization and those below it, organizers their own organizations; nobody else."""

import pytest
from django.urls import reverse

from tests.factories import make_discussion, make_organization, make_staff, make_user
from tests.sign_in import enter
from veche.organizations.models import Membership
from veche.reporting.tests.builders import CSV, DASHBOARD, XLSX, rows_of

pytestmark = pytest.mark.django_db
Role = Membership.Role


@pytest.fixture
def tree():
    city = make_organization("city-hall")
    district = make_organization("district", parent=city)
    committee = make_organization("committee", parent=district)
    neighbour = make_organization("neighbour-city")
    discussions = {
        slug: make_discussion(organizer=organization, title=f"Discussion of {slug}")
        for slug, organization in {
            "city-hall": city,
            "district": district,
            "committee": committee,
            "neighbour-city": neighbour,
        }.items()
    }
    return {
        "city": city,
        "district": district,
        "committee": committee,
        "neighbour": neighbour,
        "discussions": discussions,
    }


def seen(client, tree) -> set[str]:
    response = client.get(DASHBOARD)
    assert response.status_code == 200
    by_pk = {discussion.pk: slug for slug, discussion in tree["discussions"].items()}
    return {by_pk[pk] for pk in rows_of(response)}


def test_an_anonymous_visitor_is_sent_to_sign_in(client):
    response = client.get(DASHBOARD)
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


@pytest.mark.parametrize("role", [None, Role.OFFICIAL, Role.MODERATOR, Role.EXPERT])
def test_residents_officials_moderators_and_experts_are_refused(client, tree, role):
    user = make_staff(tree["district"], role) if role else make_user()
    enter(client, user)
    assert client.get(DASHBOARD).status_code == 403
    assert client.get(CSV).status_code == 403
    assert client.get(XLSX).status_code == 403


def test_an_organizer_sees_the_discussions_of_the_own_organization_only(client, tree):
    enter(client, make_staff(tree["district"], Role.ORGANIZER))
    assert seen(client, tree) == {"district"}


def test_a_head_sees_the_organization_and_every_one_below_it(client, tree):
    enter(client, make_staff(tree["district"], Role.HEAD))
    assert seen(client, tree) == {"district", "committee"}


def test_a_person_with_several_roles_sees_the_union(client, tree):
    user = make_staff(tree["committee"], Role.HEAD)
    Membership.objects.create(user=user, organization=tree["neighbour"], role=Role.ORGANIZER)
    enter(client, user)
    assert seen(client, tree) == {"committee", "neighbour-city"}


@pytest.mark.parametrize("flags", [{"is_staff": True}, {"is_superuser": True}])
def test_administrators_see_every_discussion(client, tree, flags):
    enter(client, make_user(**flags))
    assert seen(client, tree) == {"city-hall", "district", "committee", "neighbour-city"}


def test_the_export_holds_only_what_the_person_may_see(client, tree):
    enter(client, make_staff(tree["district"], Role.ORGANIZER))
    content = client.get(CSV).content.decode("utf-8-sig")
    assert "Discussion of district" in content
    assert "Discussion of committee" not in content
    assert "Discussion of city-hall" not in content


def test_the_organizer_filter_offers_only_organizations_in_the_scope(client, tree):
    enter(client, make_staff(tree["district"], Role.HEAD))
    organizers = client.get(DASHBOARD).context["form"].fields["organizer"].queryset
    assert {organization.slug for organization in organizers} == {"district", "committee"}


def test_asking_for_an_organizer_outside_the_scope_is_an_error_not_a_leak(client, tree):
    enter(client, make_staff(tree["district"], Role.ORGANIZER))
    response = client.get(DASHBOARD, {"organizer": "neighbour-city"})
    assert response.status_code == 400
    assert response.context["form"].errors["organizer"]
    assert rows_of(response) == {}


# --- The way in from the cabinet -------------------------------------------------------------


def test_the_cabinet_links_to_e_control_for_a_head(client, tree):
    enter(client, make_staff(tree["district"], Role.HEAD))
    assert DASHBOARD in client.get(reverse("cabinet:home")).content.decode()


def test_the_cabinet_links_to_e_control_for_an_official_who_also_organizes(client, tree):
    user = make_staff(tree["district"], Role.OFFICIAL)
    Membership.objects.create(user=user, organization=tree["district"], role=Role.ORGANIZER)
    enter(client, user)
    assert DASHBOARD in client.get(reverse("cabinet:home")).content.decode()


def test_the_cabinet_has_no_e_control_link_for_a_plain_official(client, tree):
    enter(client, make_staff(tree["district"], Role.OFFICIAL))
    assert DASHBOARD not in client.get(reverse("cabinet:home")).content.decode()


def cabinet_bar(client) -> str:
    content = client.get(DASHBOARD).content.decode()
    start = content.index('class="cabinet-nav"')
    return content[start : content.index("</nav>", start)]


def test_an_organizer_without_an_inbox_is_not_offered_one(client, tree):
    inbox = f'href="{reverse("cabinet:home")}"'
    enter(client, make_staff(tree["district"], Role.ORGANIZER))
    assert inbox not in cabinet_bar(client)
    enter(client, make_staff(tree["district"], Role.HEAD))
    assert inbox in cabinet_bar(client)


def test_an_administrator_without_an_organization_finds_e_control_in_the_header(client):
    administrator = make_user(is_staff=True)
    enter(client, administrator)
    page = client.get("/", headers={"accept-language": "en"}).content.decode()
    assert f'href="{DASHBOARD}"' in page
    resident = make_user()
    client.force_login(resident)
    assert f'href="{DASHBOARD}"' not in client.get("/").content.decode()
