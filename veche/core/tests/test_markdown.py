"""Residents' Markdown is shown safely."""

from html.parser import HTMLParser

import pytest

from veche.core.templatetags.veche import markdown


def test_basic_markdown_is_rendered():
    html = markdown("**Важно**: яма у дома\n\n- раз\n- два")
    assert "<strong>Важно</strong>" in html
    assert "<li>раз</li>" in html


@pytest.mark.parametrize(
    "payload",
    [
        "<script>alert(1)</script>",
        "[x](javascript:alert(1))",
        "<img src=x onerror=alert(1)>",
        '<a href="http://e.example" onclick="alert(1)">x</a>',
        "<style>body{display:none}</style>",
    ],
)
def test_scripts_styles_and_handlers_never_pass(payload):
    elements = parse(markdown(payload))
    assert all(tag in {"p", "a", "br"} for tag, _attrs in elements)
    for _tag, attributes in elements:
        assert not any(name.startswith("on") for name, _value in attributes)
        assert not any(
            value and value.lower().startswith("javascript:") for _name, value in attributes
        )


class _Elements(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, attrs))


def parse(html: str) -> list:
    parser = _Elements()
    parser.feed(html)
    return parser.found


def test_links_are_marked_as_user_content():
    assert 'rel="nofollow ugc noopener"' in markdown("[карта](https://maps.example/x)")
