"""Public organization pages: what they show and what they never show."""

import re

import pytest

from tests.factories import make_organization, make_problem, make_staff, make_territory
from tests.pages import assert_in_order
from veche.organizations.models import Organization
from veche.territories.models import Territory

pytestmark = pytest.mark.django_db


def test_organization_page_shows_contacts_jurisdiction_and_hierarchy(client):
    district = make_territory("kazan-sovetsky", en="Sovetsky District")
    parent = make_organization("city-hall", en="City Hall")
    office = make_organization(
        "sovetsky-office", parent=parent, jurisdiction=[district], en="Sovetsky Administration"
    )
    child = make_organization("sovetsky-parks", parent=office, en="Sovetsky Parks")
    html = client.get("/organizations/sovetsky-office/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "<h1>Sovetsky Administration</h1>" in html
    assert office.postal_address in html
    assert "Sovetsky District" in html
    assert parent.get_absolute_url() in html
    assert child.get_absolute_url() in html


def test_dispatch_email_and_staff_names_are_never_public(client):
    office = make_organization("office")
    make_staff(office, last_name="Секретов", first_name="Иван")
    html = client.get("/organizations/office/").content.decode()
    assert office.dispatch_email not in html
    assert "Секретов" not in html


def test_inactive_organizations_are_hidden(client):
    make_organization("closed-office", en="Closed Office")
    Organization.objects.filter(slug="closed-office").update(is_active=False)
    assert client.get("/organizations/closed-office/").status_code == 404
    assert (
        "Closed Office"
        not in client.get("/organizations/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    )


def test_organization_list_groups_by_kind_with_fixed_query_count(
    client, django_assert_max_num_queries
):
    parent = make_organization(en="City Hall")
    for _ in range(20):
        make_organization(parent=parent)
    make_organization(kind=Organization.Kind.MUNICIPAL_COMPANY, en="Water Company")
    with django_assert_max_num_queries(6):
        html = client.get("/organizations/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Public authority" in html
    assert "Municipal company" in html
    assert "City Hall" in html
    assert "Water Company" in html


def test_unknown_organization_is_404(client):
    assert client.get("/organizations/nobody/").status_code == 404


def test_the_logo_is_served_through_a_view_with_its_type(client):
    import io

    from django.core.files.base import ContentFile
    from PIL import Image

    organization = make_organization("kazan-vodokanal")
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "navy").save(buffer, "PNG")
    organization.logo.save("logo.png", ContentFile(buffer.getvalue()), save=True)
    page = client.get("/organizations/kazan-vodokanal/").content.decode()
    assert 'src="/organizations/kazan-vodokanal/logo/"' in page
    response = client.get("/organizations/kazan-vodokanal/logo/")
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == buffer.getvalue()
    assert client.get(f"/organizations/{make_organization().slug}/logo/").status_code == 404


def test_organization_page_shows_its_answers_and_the_appeals_addressed_to_it(client):
    district = make_territory("kazan-sovetsky", en="Sovetsky District")
    office = make_organization("office", jurisdiction=[district], en="Sovetsky Administration")
    make_organization(parent=office, en="Sovetsky Parks")
    make_problem(territory=district, organization=office, title="Broken swings in the yard")
    html = client.get("/organizations/office/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    in_order = [
        '<h2 id="contacts-title">Contacts</h2>',
        '<h2 id="jurisdiction-title">Answers for</h2>',
        '<h2 id="score-title">Answers and deadlines</h2>',
        '<a href="/organizations/rating/?territory=kazan-sovetsky#organization-office">'
        "How it compares: rating of organizations in Sovetsky District</a>",
        '<h2 id="appeals-title">Appeals addressed here</h2>',
        "Broken swings in the yard",
        '<a href="/problems/?organization=office">',
        '<h2 id="children-title">Subordinate organizations</h2>',
        "Sovetsky Parks",
    ]
    assert_in_order(html, in_order)


def test_organization_page_query_count_does_not_grow_with_appeals_and_children(
    client, django_assert_max_num_queries
):
    district = make_territory()
    office = make_organization("office", jurisdiction=[district, make_territory()])
    for number in range(12):
        make_organization(parent=office)
        make_problem(territory=district, organization=office, title=f"Problem {number}")
    # The organization with its territories and children, its ancestors, its score, the
    # problems, the header's picker, the identity providers' origins and the sites that may
    # embed it (both read once into the cache): none once per row.
    with django_assert_max_num_queries(11):
        html = client.get("/organizations/office/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert len(re.findall(r'href="/problems/\d+/"', html)) == 10


def test_rating_of_organizations_ranks_those_answering_in_the_territory_and_inside_it(client):
    city = make_territory("kazan", kind=Territory.Kind.CITY, en="Kazan")
    make_organization(jurisdiction=[city], en="City Hall")
    make_organization(jurisdiction=[make_territory(parent=city)], en="District Office")
    make_territory("zelenodolsk", kind=Territory.Kind.CITY, en="Zelenodolsk")
    # The first city by code is shown until another territory is chosen.
    html = client.get("/organizations/rating/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "City Hall" in html
    assert "District Office" in html  # it answers inside the city
    html = client.get(
        "/organizations/rating/?territory=zelenodolsk", HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert '<option value="zelenodolsk" selected>' in html
    assert "No organizations answer here yet" in html
    assert "City Hall" not in html


def test_the_rating_opens_on_the_visitors_own_territory(client):
    city = make_territory("kazan", kind=Territory.Kind.CITY, en="Kazan")
    district = make_territory("kazan-sovetsky", parent=city, en="Sovetsky District")
    make_territory("aaa-city", kind=Territory.Kind.CITY, en="Another City")
    client.post("/territory/choose/", {"territory": district.code})
    html = client.get("/organizations/rating/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<option value="kazan-sovetsky" selected>' in html
