"""Screening text for what lets an authority leave it unanswered (appeals and discussions)."""

import pytest
from django.utils import translation

from tests.factories import APPEAL_TEXT, make_user
from veche.moderation.screening import is_obscene, is_threatening, screen

pytestmark = pytest.mark.django_db


def test_the_word_lists_ship_with_moderation():
    # The data files are found next to the module (and so in the wheel, via package-data).
    assert is_obscene("ну и сука")
    assert is_threatening("я тебя убью")


@pytest.mark.parametrize("text", ["xуй", "ПИЗДец", "сукa"])
def test_latin_look_alikes_and_case_do_not_hide_obscenity(text):
    assert is_obscene(text)


def test_stems_match_only_at_the_start_of_a_word():
    assert not is_obscene("застраховать детскую площадку и сукно сменить")


def test_a_clean_appeal_by_a_named_author_with_an_address_has_no_findings():
    author = make_user(last_name="Жителев", first_name="Иван", email="ivan@example.org")
    assert screen(text=APPEAL_TEXT, title="Нет освещения", author=author) == []


def test_each_ground_is_reported_and_only_a_short_text_does_not_block():
    author = make_user(last_name="", first_name="Иван")
    author.email = ""  # e.g. an account from an identity provider that gave no address
    with translation.override("en"):
        findings = screen(text="Сожгу, сука.", title="Свет", author=author)
    assert [(f.code, f.blocking) for f in findings] == [
        ("no_name", True),
        ("no_address", True),
        ("obscene", True),
        ("threat", True),
        ("too_short", False),
    ]
