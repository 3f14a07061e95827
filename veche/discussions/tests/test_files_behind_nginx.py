"""Behind nginx (VECHE_MEDIA_ACCEL_REDIRECT) the project's materials and the applicants' documents
are handed over with the headers that keep them from running in the site: the response carries
them, and the documented nginx location puts back the ones nginx would drop."""

import re
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.urls import reverse

from tests.factories import (
    make_discussion,
    make_organization,
    make_staff,
    make_territory,
)
from tests.sign_in import enter
from veche.discussions.models import MaterialVersion
from veche.discussions.tests.organizer_cast import (
    file_application,
    make_legal_entity_representative,
)
from veche.organizations.models import Membership

pytestmark = pytest.mark.django_db
README = Path(django_settings.BASE_DIR) / "README.md"


@pytest.fixture(autouse=True)
def _behind_nginx(settings):
    settings.VECHE_MEDIA_ACCEL_REDIRECT = "/protected-media/"


def assert_handed_to_nginx_sandboxed(response) -> None:
    assert response.status_code == 200
    assert response["X-Accel-Redirect"].startswith("/protected-media/")
    assert response.content == b""
    assert response["Content-Security-Policy"].startswith("sandbox")
    assert response["X-Content-Type-Options"] == "nosniff"


def test_a_material_goes_to_nginx_with_its_sandbox_and_nosniff(client):
    version = MaterialVersion.objects.get(material__discussion=make_discussion())
    assert_handed_to_nginx_sandboxed(client.get(version.get_absolute_url()))


def test_an_applicants_document_goes_to_nginx_with_its_sandbox_and_nosniff(client):
    developer = make_legal_entity_representative()
    territory = make_territory()
    authority = make_organization(jurisdiction=[territory])
    application = file_application(developer, authority, territory)
    make_staff(authority, Membership.Role.ORGANIZER)
    enter(client, developer)
    response = client.get(reverse("discussions:application_document", args=[application.pk]))
    assert_handed_to_nginx_sandboxed(response)


def documented_protected_location() -> str:
    text = README.read_text(encoding="utf-8")
    [location] = re.findall(r"location /protected-media/ \{.*?\n\s*\}", text, flags=re.S)
    return location


def test_the_documented_nginx_location_puts_back_what_nginx_drops():
    # nginx keeps Content-Type, Content-Disposition and Cache-Control of the application's
    # response on X-Accel-Redirect, but drops Content-Security-Policy and nosniff.
    location = documented_protected_location()
    assert "internal;" in location
    assert re.search(
        r"add_header Content-Security-Policy \$upstream_http_content_security_policy always;",
        location,
    )
    assert re.search(r"add_header X-Content-Type-Options nosniff always;", location)
