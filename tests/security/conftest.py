"""Shared by the hostile suite: a network that records, instead of making, any outbound HTTP
connection (identity providers lie outside this machine; a test must never reach them)."""

import pytest
import requests


@pytest.fixture
def no_network(monkeypatch):
    attempts = []

    def refuse(self, request, *args, **kwargs):
        attempts.append(request.url)
        raise requests.ConnectionError("the test allows no outbound connection")

    monkeypatch.setattr(requests.adapters.HTTPAdapter, "send", refuse)
    return attempts
