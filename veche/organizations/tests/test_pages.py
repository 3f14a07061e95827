"""Public organization pages: what they show and what they never show."""

import pytest

from tests.factories import make_organization, make_staff, make_territory
from veche.organizations.models import Organization

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
