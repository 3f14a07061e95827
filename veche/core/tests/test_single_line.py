"""Titles and names are kept on one clean line, whatever was typed or forged."""

import pytest
from django import forms

from veche.core.forms import SingleLineField, normalize_line


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("Ямы\r\nво дворе", "Ямы во дворе"),
        ("Ямы\tво\x0bдворе\x0c", "Ямы во дворе"),
        ("Ямы\x00во\x1b[31mдворе", "Ямы во [31mдворе"),
        ("Ямы\u2028во\u2029дворе\x85", "Ямы во дворе"),
        ("\u202eвиноват\u202c сосед\u2066", "виноват сосед"),
        ("Ямы\u200bво\ufeffдворе", "Ямы во дворе"),
        ("  много   пробелов  ", "много пробелов"),
        ("Е\u0308лки", "Ёлки"),
        ("Ка\u00adзань", "Казань"),
        (
            "Семья \U0001f468\u200d\U0001f469\u200d\U0001f467",
            "Семья \U0001f468\u200d\U0001f469\u200d\U0001f467",
        ),
    ],
    ids=[
        "line break",
        "tabs and feeds",
        "null byte and escape",
        "unicode line separators",
        "direction overrides",
        "invisible format characters",
        "runs of spaces",
        "decomposed letters",
        "soft hyphen",
        "emoji joiners kept",
    ],
)
def test_a_line_is_normalised(typed, kept):
    assert normalize_line(typed) == kept


class TitleForm(forms.Form):
    title = SingleLineField(max_length=20, min_length=5)


def test_the_field_normalises_before_it_counts_the_length():
    form = TitleForm({"title": "Яма\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\nв парке"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["title"] == "Яма в парке"


def test_a_title_of_nothing_but_control_characters_is_refused():
    form = TitleForm({"title": "\r\n\u202e\x00\t\u2066\r\n"})
    assert not form.is_valid()
    assert "title" in form.errors
