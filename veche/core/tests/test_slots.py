"""The marks of a page's personal parts: only the site's own are filled or stripped, and nobody
without the secret key can write one."""

from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.base import SessionBase
from django.test import RequestFactory

from veche.core import slots

PART = "core/_messages.html"


def _request(message: str | None = None):
    request = RequestFactory().get("/")
    request.session = SessionBase()
    request._messages = FallbackStorage(request)
    if message:
        request._messages.add(20, message)
    return request


def _forged(name: str, body: str, token: str) -> str:
    return f"<!--slot-{token}:{name}-->{body}<!--/slot-{token}:{name}-->"


def test_a_marked_part_is_rendered_again_for_the_reader():
    marked = slots.opening(PART) + "as the visitor saw it" + slots.closing(PART)
    page = "<main>" + marked + "</main>"
    filled = slots.fill(page, _request("Your comment is published."), {})
    assert filled.startswith("<main>") and filled.endswith("</main>")
    assert "Your comment is published." in filled
    assert "as the visitor saw it" not in filled and "<!--slot-" not in filled


def test_marks_that_do_not_carry_the_site_s_token_are_neither_filled_nor_stripped():
    """Someone who knows the format but not the secret key writes a mark: it stays text."""
    forged = _forged(PART, "FORGED", "0" * 16)
    page = forged + slots.opening(PART) + "" + slots.closing(PART)
    assert slots.fill(page, _request("mine"), {}).startswith(forged)
    assert slots.strip(page) == forged
    assert slots.parts(page) == {PART: ""}


def test_the_token_comes_from_the_secret_key(settings):
    slots.token.cache_clear()
    slots._pattern.cache_clear()
    try:
        ours = slots.token()
        settings.SECRET_KEY = "another site's secret key, " + "x" * 40
        slots.token.cache_clear()
        assert slots.token() != ours and len(slots.token()) == 16
    finally:
        slots.token.cache_clear()
        slots._pattern.cache_clear()


def test_a_mark_closed_under_another_name_is_not_a_part():
    page = slots.opening(PART) + "body" + slots.closing("core/_header.html")
    assert slots.parts(page) == {}
    assert slots.fill(page, _request("mine"), {}) == page
