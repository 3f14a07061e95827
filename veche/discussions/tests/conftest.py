import pytest
from django.utils import translation


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
