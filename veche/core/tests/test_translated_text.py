"""Names kept as data in several languages are read in the visitor's language."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from veche.core.i18n import translate, validate_translations


def test_text_is_read_in_the_current_language():
    names = {"ru": "Казань", "en": "Kazan"}
    with translation.override("en"):
        assert translate(names) == "Kazan"
    with translation.override("ru"):
        assert translate(names) == "Казань"


def test_missing_language_falls_back_to_the_site_language():
    with translation.override("en"):
        assert translate({"ru": "Вахитовский район"}) == "Вахитовский район"


def test_empty_translations_read_as_empty_text():
    assert translate({}) == ""
    assert translate(None) == ""


@pytest.mark.parametrize("value", [{}, [], "Kazan", {"ru": ""}, {"r u": "x"}, {"ru": 5}])
def test_malformed_translations_are_refused(value):
    with pytest.raises(ValidationError):
        validate_translations(value)


def test_well_formed_translations_pass():
    validate_translations({"ru": "Казань", "en": "Kazan", "tt": "Казан"})
