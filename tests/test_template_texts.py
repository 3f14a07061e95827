"""Texts in templates that would render wrong without an error: Django's `blocktranslate` reads
only plain names, so `{{ discussion.title }}` inside it renders as nothing ("…: «»."). Every such
value must be bound with `with name=…` first."""

import re
from pathlib import Path

import polib

VECHE = Path(__file__).resolve().parent.parent / "veche"
BLOCK = re.compile(
    r"{%\s*blocktrans(?:late)?\b(?P<args>.*?)%}(?P<body>.*?){%\s*endblocktrans(?:late)?\s*%}", re.S
)
# Inside a block only `{{ name }}` works: no dots, no filters, no tags but `plural`.
UNREADABLE = re.compile(r"{{\s*[^}]*?[.|][^}]*?}}|{%\s*(?!plural\b)\w+")


def blocks_with_unreadable_values(text: str) -> list[str]:
    return [
        match.group(0)[:120] for match in BLOCK.finditer(text) if UNREADABLE.search(match["body"])
    ]


def test_the_check_catches_a_dotted_name_and_a_filter():
    assert blocks_with_unreadable_values(
        "{% blocktranslate %}On “{{ discussion.title }}”.{% endblocktranslate %}"
    )
    assert blocks_with_unreadable_values("{% blocktrans %}{{ n|date }}{% endblocktrans %}")
    assert not blocks_with_unreadable_values(
        "{% blocktranslate count n=items|length %}{{ n }} item{% plural %}{{ n }} items"
        "{% endblocktranslate %}"
    )


def test_no_template_puts_an_unreadable_value_inside_blocktranslate():
    found = {
        str(path.relative_to(VECHE)): blocks
        for path in VECHE.rglob("templates/**/*")
        if path.is_file() and path.suffix in {".html", ".txt", ".xml"}
        for blocks in [blocks_with_unreadable_values(path.read_text(encoding="utf-8"))]
        if blocks
    }
    assert found == {}


def test_every_russian_plural_has_its_three_forms():
    catalogue = polib.pofile(str(VECHE / "locale" / "ru" / "LC_MESSAGES" / "django.po"))
    assert "nplurals=3" in catalogue.metadata["Plural-Forms"]
    incomplete = [
        entry.msgid
        for entry in catalogue
        if entry.msgid_plural
        and not entry.obsolete
        and sorted(k for k, v in entry.msgstr_plural.items() if v.strip()) != [0, 1, 2]
    ]
    assert incomplete == []


def test_every_russian_plural_form_names_the_count_it_is_chosen_by():
    """Russian uses its "one" form for 21 and 31 as well as for 1, so a form that drops the
    number ("Дата перенесена") tells a reader of 21 dates that one was moved."""
    catalogue = polib.pofile(str(VECHE / "locale" / "ru" / "LC_MESSAGES" / "django.po"))
    placeholder = re.compile(r"%\((\w+)\)s|{{\s*(\w+)\s*}}")
    missing = [
        entry.msgid
        for entry in catalogue
        if entry.msgid_plural and not entry.obsolete
        for names in [{a or b for a, b in placeholder.findall(entry.msgid_plural)}]
        for form in entry.msgstr_plural.values()
        if names - {a or b for a, b in placeholder.findall(form)}
    ]
    assert missing == []
