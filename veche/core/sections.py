"""Sections of the pages that several apps fill: the home page, a territory's page, an
organization's page and the rating of organizations. The app that owns a page renders its own
parts and asks for the sections registered for it; each app above registers what it shows there
in its `AppConfig.ready()` (problems, discussions, organizations, ratings), so the page's app
imports none of the apps above it, and a page shows nothing of an app that is not installed.

A page's template places its slots (`{% load page_sections %}{% sections "main" %}`); a section
names its slot and its order within it."""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest

# What a section shows to one request: its template and that template's context, or None when it
# has nothing to show there (the section is then left out, heading and all).
Content = tuple[str, dict[str, Any]] | None


@dataclass(frozen=True)
class Section:
    page: str  # "home", "territory", "organization", "league"
    key: str
    order: int  # within its slot, lowest first
    # content(request, subject): the subject is what the page is about (the territory, the
    # organization), None on the home page.
    content: Callable[[HttpRequest, Any], Content]
    slot: str = "main"
    # Asked as request.user.has_perm(permission, subject); without one, everyone sees it.
    permission: str | None = None
    # Static paths of the style sheets its markup needs, linked once in the page's head.
    stylesheets: tuple[str, ...] = ()


@dataclass(frozen=True)
class ShownSection:
    key: str
    template_name: str
    context: dict[str, Any]


@dataclass(frozen=True)
class PageSections:
    """The sections one request sees on one page, by slot, in order."""

    slots: dict[str, list[ShownSection]] = field(default_factory=dict)
    stylesheets: list[str] = field(default_factory=list)

    def in_slot(self, slot: str) -> list[ShownSection]:
        return self.slots.get(slot, [])


_sections: dict[tuple[str, str], Section] = {}


def register(
    page: str,
    key: str,
    *,
    order: int,
    content: Callable[[HttpRequest, Any], Content],
    slot: str = "main",
    permission: str | None = None,
    stylesheets: tuple[str, ...] = (),
) -> None:
    """Register (again, harmlessly, when `ready()` runs twice) one section of a page."""
    section = Section(page, key, order, content, slot, permission, tuple(stylesheets))
    if _sections.get((page, key), section) != section:
        raise ImproperlyConfigured(f"Two sections of the {page!r} page are called {key!r}.")
    _sections[page, key] = section


def sections_of(page: str) -> list[Section]:
    """The sections registered for a page, in order."""
    return sorted(
        (section for section in _sections.values() if section.page == page),
        key=lambda section: (section.order, section.key),
    )


def page_sections(request: HttpRequest, page: str, subject: Any = None) -> PageSections:
    """What the page's registered sections show to this request: those the person may see and
    that have something to show, each with its template and context."""
    shown = PageSections()
    for section in sections_of(page):
        if section.permission and not request.user.has_perm(section.permission, subject):
            continue
        content = section.content(request, subject)
        if content is None:
            continue
        template_name, context = content
        shown.slots.setdefault(section.slot, []).append(
            ShownSection(section.key, template_name, context)
        )
        shown.stylesheets.extend(
            path for path in section.stylesheets if path not in shown.stylesheets
        )
    return shown
