import pytest
from django.utils import translation

from tests.factories import make_organization, make_staff, make_territory
from veche.organizations.models import Membership


@pytest.fixture(autouse=True)
def _in_english():
    # Messages are asserted as written in the code; the site's own language is Russian.
    with translation.override("en"):
        yield


@pytest.fixture
def english_documents(settings):
    # Documents are drawn in the site language; the tests read their English labels.
    settings.LANGUAGE_CODE = "en"
    settings.SITE_URL = "https://veche.example.org"


@pytest.fixture
def english_pages(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


@pytest.fixture
def territory():
    return make_territory(en="Vakhitovsky district")


@pytest.fixture
def office(territory):
    return make_organization(jurisdiction=[territory], en="Town planning committee")


@pytest.fixture
def organizer(office):
    return make_staff(office, Membership.Role.ORGANIZER, last_name="Орг", first_name="Анна")


@pytest.fixture
def english_site_running_tasks(settings, client):
    settings.LANGUAGE_CODE = "en"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
