"""Translations as data: text kept per language in a JSON field, read in the current language.

Names of territories and organizations are data an administrator edits (Russian, English, Tatar,
...), so they live in the database as {"ru": "...", "en": "..."}, not in gettext catalogs.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


def translate(texts: dict | None, language: str | None = None) -> str:
    """The text in the given (default: current) language, else the site language, else any."""
    if not texts:
        return ""
    language = (language or get_language() or settings.LANGUAGE_CODE).split("-")[0]
    for candidate in (language, settings.LANGUAGE_CODE):
        if texts.get(candidate):
            return texts[candidate]
    return next((text for text in texts.values() if text), "")


def validate_translations(value) -> None:
    """A translated text: an object of language code → non-empty text, the site language set."""
    if not isinstance(value, dict) or not value:
        raise ValidationError(_("Give the text as an object of language code and text."))
    known = {code for code, _name in settings.LANGUAGES}
    for code, text in value.items():
        if not isinstance(code, str) or len(code) > 8 or not code.isalpha():
            raise ValidationError(_("“%(code)s” is not a language code."), params={"code": code})
        if not isinstance(text, str) or not text.strip():
            raise ValidationError(_("The text for %(code)s is empty."), params={"code": code})
    if settings.LANGUAGE_CODE not in value and not known & set(value):
        raise ValidationError(_("Give the text at least in the site language."))
