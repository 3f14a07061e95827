"""The registry of page sections: order, slots, permissions, style sheets, and the tag that
places them in a page."""

import copy

import pytest
import rules
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ImproperlyConfigured
from django.template import engines
from django.test import RequestFactory

from tests.factories import make_user
from veche.core import sections


@pytest.fixture(autouse=True)
def registry(monkeypatch):
    """An empty registry for each test; the apps' own sections are left as they were."""
    monkeypatch.setattr(sections, "_sections", {})


@pytest.fixture
def section_templates(settings, tmp_path):
    (tmp_path / "sections").mkdir()
    for name, text in {
        "first.html": "<p>first of {{ subject }}</p>",
        "second.html": "<p>second of {{ subject }}</p>",
        "form.html": "<form>{% csrf_token %}{{ request.path }}</form>",
    }.items():
        (tmp_path / "sections" / name).write_text(text)
    templates = copy.deepcopy(settings.TEMPLATES)
    templates[0]["DIRS"] = [tmp_path, *templates[0]["DIRS"]]
    settings.TEMPLATES = templates


def showing(template_name):
    return lambda request, subject: (template_name, {"subject": subject})


def visitor(user=None):
    request = RequestFactory().get("/somewhere/")
    request.user = user or AnonymousUser()
    return request


def keys(shown, slot="main"):
    return [section.key for section in shown.in_slot(slot)]


def test_sections_are_shown_in_order_within_their_slots():
    sections.register("home", "places", order=30, content=showing("places.html"))
    sections.register("home", "welcome", order=10, content=showing("welcome.html"))
    sections.register("home", "facts", order=20, slot="facts", content=showing("facts.html"))
    sections.register("territory", "elsewhere", order=1, content=showing("other.html"))
    shown = sections.page_sections(visitor(), "home")
    assert keys(shown) == ["welcome", "places"]
    assert keys(shown, "facts") == ["facts"]
    assert keys(shown, "nowhere") == []


def test_a_section_gets_the_request_and_the_page_subject():
    seen = []
    sections.register("territory", "probe", order=1, content=lambda r, s: seen.append((r.path, s)))
    sections.page_sections(visitor(), "territory", "kazan")
    assert seen == [("/somewhere/", "kazan")]


def test_a_section_with_nothing_to_show_is_left_out():
    sections.register("home", "empty", order=10, content=lambda request, subject: None)
    sections.register("home", "full", order=20, content=showing("full.html"))
    assert keys(sections.page_sections(visitor(), "home")) == ["full"]


@pytest.mark.django_db
def test_a_section_behind_a_permission_shows_only_to_whom_it_is_granted():
    rules.add_perm("tests.see_open_place", rules.predicate(lambda user, place: place == "open"))
    try:
        sections.register(
            "territory",
            "guarded",
            order=10,
            content=showing("guarded.html"),
            permission="tests.see_open_place",
        )
        person = make_user()
        assert keys(sections.page_sections(visitor(person), "territory", "open")) == ["guarded"]
        assert keys(sections.page_sections(visitor(person), "territory", "shut")) == []
    finally:
        rules.remove_perm("tests.see_open_place")


def test_style_sheets_are_linked_once_and_only_for_sections_shown():
    sheet = "discussions/discussions.css"
    sections.register("home", "a", order=1, content=showing("a.html"), stylesheets=(sheet,))
    sections.register("home", "b", order=2, content=showing("b.html"), stylesheets=(sheet,))
    sections.register(
        "home", "hidden", order=3, content=lambda r, s: None, stylesheets=("hidden.css",)
    )
    assert sections.page_sections(visitor(), "home").stylesheets == [sheet]


def test_registering_again_is_harmless_and_a_second_section_of_one_name_is_refused():
    content = showing("a.html")
    sections.register("home", "problems", order=10, content=content)
    sections.register("home", "problems", order=10, content=content)  # ready() ran twice
    assert len(sections.sections_of("home")) == 1
    with pytest.raises(ImproperlyConfigured, match="problems"):
        sections.register("home", "problems", order=20, content=showing("b.html"))


def test_the_tag_places_each_slot_where_the_page_puts_it(section_templates):
    sections.register("organization", "another", order=20, content=showing("sections/second.html"))
    sections.register("organization", "one", order=10, content=showing("sections/first.html"))
    page = engines["django"].from_string(
        '{% load page_sections %}<main>{% sections "main" %}</main><aside>{% sections "side" %}'
        "</aside>"
    )
    request = visitor()
    shown = sections.page_sections(request, "organization", "<Town Hall>")
    html = page.render({"sections": shown}, request)
    assert html == (
        "<main><p>first of &lt;Town Hall&gt;</p><p>second of &lt;Town Hall&gt;</p></main>"
        "<aside></aside>"
    )


def test_a_section_sees_the_request_and_its_csrf_token(section_templates):
    sections.register("home", "form", order=1, content=lambda r, s: ("sections/form.html", {}))
    page = engines["django"].from_string('{% load page_sections %}{% sections "main" %}')
    request = visitor()
    html = page.render({"sections": sections.page_sections(request, "home")}, request)
    assert 'name="csrfmiddlewaretoken"' in html
    assert "/somewhere/" in html
