"""Input every app shares: a single line of text (titles, names) kept on one line, and ids
read from request parameters."""

import unicodedata

from django import forms
from django.core.exceptions import ValidationError
from django.forms.fields import InvalidJSONInput
from django.utils.translation import gettext_lazy as _

# Dropped: bidirectional embeddings, overrides and isolates, which reverse how the rest of a
# line reads ("‮gpj.exe" shows as "exe.jpg"), and the soft hyphen, which sits inside words.
_DROPPED = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u00ad")
# Format characters that do belong in text: joiners of emoji and of some scripts.
_KEPT_FORMATS = frozenset("\u200c\u200d")


def normalize_line(text: str) -> str:
    """`text` as one clean line: NFC-normalised; line breaks, tabs and other control or
    format characters turned into spaces; direction overrides and soft hyphens dropped; runs of
    spaces made one.

    A title becomes the subject of e-mails, where a line break is refused (and the e-mail with
    it), and is shown in lists, where a direction override would garble what follows."""
    text = unicodedata.normalize("NFC", text)
    kept = []
    for char in text:
        if char in _DROPPED:
            continue
        category = unicodedata.category(char)
        if category in ("Cc", "Zl", "Zp") or (category == "Cf" and char not in _KEPT_FORMATS):
            kept.append(" ")
        else:
            kept.append(char)
    return " ".join("".join(kept).split())


class SingleLineField(forms.CharField):
    """A CharField for titles and names: whatever was typed or forged is kept on one line.

    The value is normalised before the length checks, so `min_length` counts what is kept."""

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return value
        return normalize_line(value)


class JSONField(forms.JSONField):
    """Django's JSON field, refusing with its form error what `json.loads` refuses with a plain
    ValueError rather than a decoding error (an integer of more than 4,300 digits), which
    Django's lets through as a server error, on sending and on showing the form again."""

    def to_python(self, value):
        try:
            return super().to_python(value)
        except ValueError:
            raise ValidationError(
                self.error_messages["invalid"], code="invalid", params={"value": value}
            ) from None

    def bound_data(self, data, initial):
        try:
            return super().bound_data(data, initial)
        except ValueError:
            return InvalidJSONInput(data)


class SingleLineTranslationsField(JSONField):
    """A translated name (language code → text), as staff edit it in the admin: each text is
    kept on one line, as a SingleLineField keeps it."""

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return value
        if not isinstance(value, dict):
            # A number or a list is no name: refused here, it never reaches the row, whose
            # title the page would render with it.
            raise ValidationError(
                _("Give the text as an object of language code and text."), code="invalid"
            )
        return {
            code: normalize_line(text) if isinstance(text, str) else text
            for code, text in value.items()
        }


# The largest id a database column holds (PostgreSQL's bigint); a larger number names nothing.
_MAX_ID = 2**63 - 1


def parse_id(value) -> int | None:
    """The id a request parameter names, or None for anything that is not one (a word, a
    negative or huge number, digits of other scripts): a forged id names nothing, it is no
    server error."""
    if not isinstance(value, str) or not value.isascii() or not value.isdecimal():
        return None
    if len(value) > len(str(_MAX_ID)):  # and int() refuses strings of thousands of digits
        return None
    number = int(value)
    return number if 0 < number <= _MAX_ID else None


def put_errors(form, error: ValidationError, *, default_field: str | None = None) -> None:
    """A service's refusal, shown where it belongs on the form: a field's error beside the
    field, anything else beside `default_field` or above the form."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(default_field, error.messages)
