"""Shared set-up of the cabinet's tests: pages in English."""

import pytest


@pytest.fixture(autouse=True)
def _english_pages(client):
    # The tests read the English texts; the Russian ones are checked by the catalog's own run.
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
