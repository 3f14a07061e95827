"""Fixtures shared by the documents' tests."""

import pytest


@pytest.fixture
def english(settings):
    """Documents are rendered in the site language; tests read their labels in English."""
    settings.LANGUAGE_CODE = "en"


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = "https://veche.example.org"
