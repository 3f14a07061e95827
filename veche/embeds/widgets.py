"""The kinds of widget, each embedding one page of the full site: a discussion's card, a
territory's "report a problem", an organization's place in the rating. oEmbed and the snippet
generator find the widget of a page here, by the page's URL name."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.urls import Resolver404, resolve, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _

from veche.embeds import queries


@dataclass(frozen=True)
class Widget:
    kind: str
    url_name: str  # the widget's own page
    page_url_name: str  # the full site's page it embeds
    argument: str  # the name of the one URL argument both pages take
    find: Callable[[Any], Any]  # the public object by that argument, or None
    key: Callable[[Any], Any]  # the argument of an object
    title: Callable[[Any], str]  # the iframe's title, which a screen reader announces
    width: int
    height: int

    def url(self, subject, language: str = "") -> str:
        path = reverse(self.url_name, kwargs={self.argument: self.key(subject)})
        return f"{path}?{urlencode({'lang': language})}" if language else path


WIDGETS: dict[str, Widget] = {}


def register(widget: Widget) -> None:
    WIDGETS[widget.kind] = widget


register(
    Widget(
        kind="discussion",
        url_name="embeds:discussion",
        page_url_name="discussions:detail",
        argument="pk",
        find=queries.public_discussion,
        key=lambda discussion: discussion.pk,
        title=lambda discussion: _("Public discussion: %(title)s") % {"title": discussion.title},
        width=400,
        height=460,
    )
)
register(
    Widget(
        kind="report",
        url_name="embeds:report",
        page_url_name="territories:detail",
        argument="code",
        find=queries.territory_by_code,
        key=lambda territory: territory.code,
        title=lambda territory: _("Report a problem: %(territory)s") % {"territory": territory},
        width=400,
        height=520,
    )
)
register(
    Widget(
        kind="rating",
        url_name="embeds:rating",
        page_url_name="organizations:detail",
        argument="slug",
        find=queries.public_organization,
        key=lambda organization: organization.slug,
        title=lambda organization: (
            _("Rating of %(organization)s") % {"organization": organization.short_title}
        ),
        width=400,
        height=300,
    )
)


def widget_of_page(url_name: str) -> Widget | None:
    return next((w for w in WIDGETS.values() if url_name in (w.page_url_name, w.url_name)), None)


def widget_for_path(path: str) -> tuple[Widget, Any] | None:
    """The widget and its subject for a path of the full site (a discussion's page, or the
    widget's own), None when the path has no public widget."""
    try:
        match = resolve(path)
    except Resolver404:
        return None
    widget = widget_of_page(match.view_name)
    if widget is None or widget.argument not in match.kwargs:
        return None
    subject = widget.find(match.kwargs[widget.argument])
    return (widget, subject) if subject is not None else None


def iframe(widget: Widget, subject, *, site: str, language: str, width=None, height=None) -> str:
    """The `<iframe>` code another site pastes: titled for screen readers, no wider than its
    column, lazily loaded."""
    return format_html(
        '<iframe src="{}{}" title="{}" width="{}" height="{}" loading="lazy" '
        'style="border:0;max-width:100%"></iframe>',
        site,
        widget.url(subject, language),
        widget.title(subject),
        width or widget.width,
        height or widget.height,
    )
