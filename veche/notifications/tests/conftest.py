"""Shared set-up of the notification tests: tasks run at once, in the test's process."""

import pytest


@pytest.fixture(autouse=True)
def _tasks_run_immediately(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.SITE_URL = "https://veche.example"
