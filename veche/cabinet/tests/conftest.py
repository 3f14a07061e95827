"""Shared set-up of the cabinet's tests: uploaded answers go to a temporary folder."""

import pytest


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _english_pages(client):
    # The tests read the English texts; the Russian ones are checked by the catalog's own run.
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
