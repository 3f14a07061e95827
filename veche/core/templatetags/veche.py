"""Template helpers used across apps."""

import nh3
from django import template
from django.utils.safestring import mark_safe
from markdown_it import MarkdownIt

register = template.Library()

# CommonMark without raw HTML; the result is cleaned again by nh3 with a short allow-list.
_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False, "breaks": True})
_ALLOWED_TAGS = {
    "p",
    "br",
    "strong",
    "em",
    "ul",
    "ol",
    "li",
    "blockquote",
    "code",
    "pre",
    "a",
    "h3",
    "h4",
}


@register.filter
def markdown(text: str) -> str:
    """Markdown written by residents, safe to show: no scripts, no styles, links marked ugc."""
    html = _markdown.render(text or "")
    html = html.replace("<h1>", "<h3>").replace("</h1>", "</h3>")
    html = html.replace("<h2>", "<h4>").replace("</h2>", "</h4>")
    clean = nh3.clean(
        html,
        tags=_ALLOWED_TAGS,
        attributes={"a": {"href"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow ugc noopener",
    )
    return mark_safe(clean)  # noqa: S308 (sanitised by nh3 just above)


@register.simple_tag
def workspace_link(user):
    """The staff workspace the header links to for `user` (None for residents)."""
    from veche.core.navigation import workspace_for

    return workspace_for(user)
