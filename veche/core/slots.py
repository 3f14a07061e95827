"""A page kept in the shared cache with the parts that differ from visitor to visitor marked.

The page is rendered once, as a visitor who is not signed in sees it, with each personal part
(the header's account links, the messages, a signing panel, a comment form) an include wrapped
in `{% slot "template.html" %}`. Rendered so, each part sits between two HTML comments that name
its template. A visitor the shared copy fits as it is gets it without the marks (`strip`); any
other gets it with every marked part rendered again for them (`fill`), all in one template render,
so a signed-in reader costs the personal parts, not the page.

The marks carry a token derived from the secret key: a resident's text is escaped, but a mark
nobody outside can write cannot be forged by markup that some day reaches the page unescaped.
"""

import hashlib
import re
from functools import cache

from django.conf import settings
from django.template import engines

# In a render's context: the slots are marked (the shared copy) rather than plain includes.
MARKED = "_slots_marked"


@cache
def token() -> str:
    """The marks' token: the same in every process that shares the secret key."""
    return hashlib.sha256(b"veche-slots:" + settings.SECRET_KEY.encode()).hexdigest()[:16]


def opening(name: str) -> str:
    return f"<!--slot-{token()}:{name}-->"


def closing(name: str) -> str:
    return f"<!--/slot-{token()}:{name}-->"


@cache
def _pattern() -> re.Pattern:
    mark = re.escape(token())
    return re.compile(
        rf"<!--slot-{mark}:(?P<name>[\w./-]+)-->(?P<body>.*?)<!--/slot-{mark}:(?P=name)-->",
        re.DOTALL,
    )


def strip(html: str) -> str:
    """The page with its parts as they were rendered, without the marks."""
    return _pattern().sub(lambda match: match["body"], html)


def parts(html: str) -> dict[str, str]:
    """The marked parts of `html`, by template."""
    return {match["name"]: match["body"] for match in _pattern().finditer(html)}


@cache
def _template_of(names: tuple[str, ...]):
    """One template rendering these slots in turn (compiled once per set of slots)."""
    source = "{% load slots %}" + "".join(f'{{% slot "{name}" %}}' for name in names)
    return engines["django"].from_string(source)


def fill(html: str, request, context: dict) -> str:
    """`html` (a shared copy) with each marked part rendered for `request` with `context`; the
    context processors run once for all of them."""
    names = tuple(dict.fromkeys(match["name"] for match in _pattern().finditer(html)))
    if not names:
        return html
    rendered = parts(_template_of(names).render({**context, MARKED: True}, request))
    return _pattern().sub(lambda match: rendered[match["name"]], html)
