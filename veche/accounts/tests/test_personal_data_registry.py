"""The personal-data sections are registered by the apps that keep the data, so that accounts
(a shared app) never imports a product app to export or erase a person's data."""

import ast
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from veche.accounts import personal_data

PRODUCT_APPS = ("veche.appeals", "veche.discussions", "veche.cabinet", "veche.reporting")
SHARED_ABOVE_ACCOUNTS = ("veche.notifications", "veche.moderation", "veche.documents")


def test_every_app_that_keeps_personal_data_registers_its_section():
    names = {section.name for section in personal_data.sections()}
    assert {
        "identity",
        "appeals",
        "discussions",
        "discussion_debate",
        "discussion_votes",
        "notifications",
        "moderation",
        "open311",
        "webhooks",
    } <= names
    for section in personal_data.sections():
        assert section.export is not None, section.name


def test_a_second_section_under_the_same_name_is_refused():
    [first, *_rest] = personal_data.sections()
    personal_data.register(first.name, export=first.export, erase=first.erase)  # ready() again
    with pytest.raises(ImproperlyConfigured):
        personal_data.register(first.name, export=lambda user: {})


def test_accounts_imports_no_app_above_it():
    accounts = Path(personal_data.__file__).parent
    for module in accounts.glob("*.py"):
        for node in ast.walk(ast.parse(module.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module:
                assert not node.module.startswith(PRODUCT_APPS + SHARED_ABOVE_ACCOUNTS), (
                    f"{module.name} imports {node.module}"
                )
