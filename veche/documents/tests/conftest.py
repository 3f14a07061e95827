"""Fixtures shared by the documents' tests."""

import pytest

from veche.documents import registry
from veche.documents.tests.samples import SAMPLE, SAMPLE_KIND


@pytest.fixture
def english(settings):
    """Documents are rendered in the site language; tests read their labels in English."""
    settings.LANGUAGE_CODE = "en"


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = "https://veche.example.org"


@pytest.fixture
def sample_kind(monkeypatch):
    """The sample kind registered for one test, and forgotten after it."""
    monkeypatch.setitem(registry._kinds, SAMPLE, SAMPLE_KIND)
    return SAMPLE_KIND
